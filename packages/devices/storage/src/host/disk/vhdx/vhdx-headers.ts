import type { VhdxImageFile } from './vhdx-image-file.js';
import { encodeVhdxHeader, type VhdxHeader } from './vhdx-header.js';
import { VhdxLayout } from './vhdx-layout.js';

/** What a writer changes in the header. */
export type VhdxHeaderChanges = Partial<Pick<VhdxHeader, 'fileWriteGuid' | 'dataWriteGuid' | 'logGuid'>>;

/**
 * The two header copies of an open image and which is current. An update writes the new header
 * with the next sequence number over the copy that is not current, fsyncs, then does the same to
 * the other copy (MS-VHDX 2.2.2.1): a crash at any point leaves one valid header, old or new.
 */
export class VhdxHeaders {
  constructor(
    private readonly file: VhdxImageFile,
    private header: VhdxHeader,
    private slot: 0 | 1,
  ) {}

  /** The current header. */
  get current(): VhdxHeader {
    return this.header;
  }

  /** Writes a new current header with `changes`, to both copies in turn. */
  async update(changes: VhdxHeaderChanges): Promise<void> {
    for (let copy = 0; copy < 2; copy++) {
      const next: VhdxHeader = { ...this.header, ...changes, sequenceNumber: this.header.sequenceNumber + 1n };
      const slot = this.slot === 0 ? 1 : 0;
      await this.file.write(encodeVhdxHeader(next), VhdxLayout.headerOffsets[slot]);
      await this.file.sync();
      this.header = next;
      this.slot = slot;
    }
  }
}
