import type { RawDisk } from '../raw/raw-disk.js';
import type { VirtualDisk } from '../virtual-disk.js';

/**
 * A fixed VHD (PROTOCOLS.md §7): the disk's bytes as they are, then the 512-byte footer. All I/O
 * goes to a raw disk over the data part of the file, which ends where the footer starts, so the
 * guest never reaches the footer. UNMAP writes zeros, as for raw images.
 */
export class FixedVhdDisk implements VirtualDisk {
  readonly format = 'vhd';
  readonly sizeBytes: number;
  readonly sectorSize: number;
  readonly physicalSectorSize: number;
  readonly readOnly: boolean;

  /** @param data - The file opened as a raw disk of the footer's current size. */
  constructor(private readonly data: RawDisk) {
    this.sizeBytes = data.sizeBytes;
    this.sectorSize = data.sectorSize;
    this.physicalSectorSize = data.physicalSectorSize;
    this.readOnly = data.readOnly;
  }

  read(offset: number, target: Uint8Array): Promise<void> {
    return this.data.read(offset, target);
  }

  write(offset: number, source: Uint8Array): Promise<void> {
    return this.data.write(offset, source);
  }

  flush(): Promise<void> {
    return this.data.flush();
  }

  unmap(offset: number, length: number): Promise<void> {
    return this.data.unmap(offset, length);
  }

  close(): Promise<void> {
    return this.data.close();
  }
}
