import { VhdxFormatError } from './vhdx-format-error.js';
import type { VhdxHeader } from './vhdx-header.js';
import type { VhdxImageFile } from './vhdx-image-file.js';
import { VhdxLayout } from './vhdx-layout.js';
import { decodeVhdxLogEntry, encodeVhdxLogEntry, vhdxLogEntryLength, type VhdxLogEntry } from './vhdx-log-entry.js';

const SECTOR = VhdxLayout.logSectorSize;

/**
 * The log (MS-VHDX 2.3): a circular region of entries through which metadata updates (BAT and
 * sector bitmap sectors) reach their place, so that a crash at any point leaves a file whose last
 * complete entry, replayed, gives consistent metadata.
 *
 * Writing: an entry is appended only after an fsync that makes durable the payload data it refers
 * to and the application of the previous entry; so every entry's tail is itself, and replay needs
 * only the newest valid entry. Each session writes under a fresh log GUID, so entries of earlier
 * sessions never match.
 */
export class VhdxLog {
  private head = 0;
  private nextSequence = 1n;

  /**
   * @param file - The image file.
   * @param header - The current header; its log GUID names this session's entries.
   */
  constructor(
    private readonly file: VhdxImageFile,
    private readonly header: VhdxHeader,
  ) {}

  /**
   * Writes `writes` (whole 4 KiB sectors of metadata) durably through the log: fsync (so the data
   * they refer to is durable), append the entry, fsync, then write them in place. The in-place
   * writes become durable with the next fsync; until then the entry replays them.
   */
  async commit(writes: readonly { readonly fileOffset: number; readonly data: Uint8Array }[]): Promise<void> {
    const length = vhdxLogEntryLength(writes.length);
    if (length > this.header.logLength) throw new RangeError(`a log entry of ${length} bytes does not fit the ${this.header.logLength}-byte log`);
    if (this.head + length > this.header.logLength) this.head = 0;
    await this.file.sync();
    const entry = encodeVhdxLogEntry({
      sequenceNumber: this.nextSequence,
      logGuid: this.header.logGuid,
      tail: this.head,
      flushedFileOffset: this.file.size,
      lastFileOffset: this.file.size,
      writes,
    });
    await this.file.write(entry, this.header.logOffset + this.head);
    await this.file.sync();
    for (const { fileOffset, data } of writes) await this.file.write(data, fileOffset);
    this.head += length;
    this.nextSequence++;
  }

  /**
   * The active sequence of the log under `header` (MS-VHDX 2.3.3): of the valid entries that
   * carry the header's log GUID, the one with the highest sequence number whose chain from its tail
   * is whole (each entry followed by the next sequence number). Empty if there is none. Entries
   * that fail validation are skipped, as the spec asks of torn or stale ones.
   */
  static async activeSequence(file: VhdxImageFile, header: VhdxHeader): Promise<VhdxLogEntry[]> {
    const log = await file.read(header.logOffset, header.logLength, 'log', 'logOffset');
    const entries = new Map<number, VhdxLogEntry>();
    for (let offset = 0; offset < log.length; offset += SECTOR) {
      try {
        entries.set(offset, decodeVhdxLogEntry(log, offset, header.logGuid));
      } catch (error) {
        if (!(error instanceof VhdxFormatError)) throw error;
      }
    }
    const heads = [...entries.values()].sort((a, b) => (a.sequenceNumber < b.sequenceNumber ? 1 : -1));
    for (const head of heads) {
      const chain: VhdxLogEntry[] = [];
      let entry = entries.get(head.tail);
      while (entry !== undefined && chain.length < entries.size) {
        chain.push(entry);
        if (entry === head) return chain;
        const next = entries.get((entry.offset + entry.length) % log.length);
        entry = next?.sequenceNumber === entry.sequenceNumber + 1n ? next : undefined;
      }
    }
    return [];
  }

  /**
   * Replays the active sequence of the log under `header` into the file and fsyncs it. Returns
   * whether there was anything to replay.
   * @throws {@link VhdxFormatError} if an entry targets the header section or the log, or the file
   * is shorter than an entry says it was when flushed.
   */
  static async replay(file: VhdxImageFile, header: VhdxHeader): Promise<boolean> {
    const sequence = await VhdxLog.activeSequence(file, header);
    if (sequence.length === 0) return false;
    const log = { fileOffset: header.logOffset, length: header.logLength };
    for (const entry of sequence) {
      const structure = `log entry at ${entry.offset}`;
      if (entry.flushedFileOffset > file.size) {
        throw new VhdxFormatError(structure, 'flushedFileOffset', `${entry.flushedFileOffset} lies beyond the ${file.size}-byte file`);
      }
      if (entry.lastFileOffset > VhdxLayout.maxVirtualDiskSize * 2) {
        throw new VhdxFormatError(structure, 'lastFileOffset', `${entry.lastFileOffset} is beyond any VHDX file`);
      }
      entry.writes.forEach((write, i) => {
        const length = 'data' in write ? write.data.length : write.zeroLength;
        const end = write.fileOffset + length;
        const inLog = write.fileOffset < log.fileOffset + log.length && log.fileOffset < end;
        if (write.fileOffset < VhdxLayout.headerSectionSize || inLog || end > Math.max(entry.lastFileOffset, file.size)) {
          throw new VhdxFormatError(structure, `descriptors[${i}].fileOffset`, `${length} bytes at ${write.fileOffset} are not file data the log may write`);
        }
      });
    }
    for (const entry of sequence) {
      if (file.size < entry.lastFileOffset) await file.resize(entry.lastFileOffset);
      for (const write of entry.writes) {
        if ('data' in write) await file.write(write.data, write.fileOffset);
        else await file.zero(write.fileOffset, write.zeroLength);
      }
    }
    await file.sync();
    return true;
  }
}
