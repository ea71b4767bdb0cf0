import { readFile, writeFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { firstDifference, pattern } from './test-fixtures/bytes.js';
import { makePendingLogImage } from './test-fixtures/pending-log-image.js';
import { scratchDirectory } from './test-fixtures/scratch-directory.js';
import { VhdxDiskFormat } from './vhdx-disk-format.js';
import { VhdxFormatError } from './vhdx-format-error.js';
import { decodeVhdxHeader, encodeVhdxHeader, NIL_GUID, type VhdxHeader } from './vhdx-header.js';
import { VhdxImageFile } from './vhdx-image-file.js';
import { VhdxLayout } from './vhdx-layout.js';
import { decodeVhdxLogEntry, encodeVhdxLogEntry, type NewVhdxLogEntry } from './vhdx-log-entry.js';
import { VhdxLog } from './vhdx-log.js';

const MiB = 1024 * 1024;
const LOG_OFFSET = MiB;
const BAT_OFFSET = 3 * MiB;
/** Where a new 8 MiB image with 1 MiB blocks ends: its first block goes there. */
const BLOCK_OFFSET = 4 * MiB;
const LOG_GUID = '6b9c1a3e-0f1d-4c55-9a66-2f5b8e7d1c40';
const image = scratchDirectory();
const format = new VhdxDiskFormat();

async function readAll(path: string): Promise<Uint8Array> {
  const disk = await format.open(path, { readOnly: true });
  const bytes = new Uint8Array(disk.sizeBytes);
  await disk.read(0, bytes);
  await disk.close();
  return bytes;
}

function headersOf(bytes: Uint8Array): VhdxHeader[] {
  return VhdxLayout.headerOffsets.map((offset, i) => decodeVhdxHeader(bytes.subarray(offset), i + 1, bytes.length));
}

/**
 * A new 8 MiB image with block 1's space appended (holding `pattern(MiB, 1)`) but its BAT entry
 * only in the log `entries` (at their log offsets) under {@link LOG_GUID}, and both headers naming it.
 */
async function imageWithLog(
  name: string,
  entries: readonly { offset: number; entry: Omit<NewVhdxLogEntry, 'logGuid' | 'flushedFileOffset' | 'lastFileOffset'>; corrupt?: boolean }[],
): Promise<string> {
  const path = image(name);
  await format.create(path, { sizeBytes: 8 * MiB, blockSizeBytes: MiB });
  const bytes = new Uint8Array(await readFile(path));
  if (bytes.length !== BLOCK_OFFSET) throw new Error(`a new image is ${bytes.length} bytes, not ${BLOCK_OFFSET}`);
  const file = new Uint8Array(bytes.length + MiB);
  file.set(bytes);
  file.set(pattern(MiB, 1), bytes.length);
  for (const [i, header] of headersOf(bytes).entries()) {
    file.set(encodeVhdxHeader({ ...header, logGuid: LOG_GUID }), VhdxLayout.headerOffsets[i]!);
  }
  for (const { offset, entry, corrupt } of entries) {
    const encoded = encodeVhdxLogEntry({ ...entry, logGuid: LOG_GUID, flushedFileOffset: file.length, lastFileOffset: file.length });
    if (corrupt) encoded[encoded.length - 100]! ^= 1;
    file.set(encoded, LOG_OFFSET + offset);
  }
  await writeFile(path, file);
  return path;
}

/** The BAT's first sector with block `block` fully present at `fileOffset`. */
function batSector(block: number, fileOffset: number): Uint8Array {
  const sector = new Uint8Array(4096);
  const view = new DataView(sector.buffer);
  view.setUint32(block * 8, 6 | ((fileOffset / MiB) << 20), true);
  return sector;
}

describe('the VHDX log', () => {
  it('is replayed when a crash left an entry unapplied, and then the log GUID is cleared in both headers', async () => {
    const path = image('pending.vhdx');
    const expected = await makePendingLogImage(path);
    await expect(format.open(path, { readOnly: true })).rejects.toMatchObject({ structure: 'header', field: 'logGuid' });
    const disk = await format.open(path);
    await disk.close();
    expect(headersOf(new Uint8Array(await readFile(path))).map((header) => header.logGuid)).toEqual([NIL_GUID, NIL_GUID]);
    expect(firstDifference(await readAll(path), expected)).toBe(-1);
  });

  it('replays the whole active sequence, from the tail its newest entry names, in order', async () => {
    const path = await imageWithLog('sequence.vhdx', [
      { offset: 0, entry: { sequenceNumber: 7n, tail: 0, writes: [{ fileOffset: BAT_OFFSET, data: new Uint8Array(4096).fill(0xee) }] } },
      { offset: 8192, entry: { sequenceNumber: 8n, tail: 0, writes: [{ fileOffset: BAT_OFFSET, data: batSector(1, BLOCK_OFFSET) }] } },
    ]);
    const file = await VhdxImageFile.open(path, true);
    const header = decodeVhdxHeader(await file.read(VhdxLayout.headerOffsets[0], 4096, 'header', 'signature'), 1, file.size);
    expect((await VhdxLog.activeSequence(file, header)).map((entry) => entry.sequenceNumber)).toEqual([7n, 8n]);
    await file.close();
    await (await format.open(path)).close();
    const expected = new Uint8Array(8 * MiB);
    expected.set(pattern(MiB, 1), MiB);
    expect(firstDifference(await readAll(path), expected)).toBe(-1);
  });

  it('ignores a torn newest entry and replays the newest whole one', async () => {
    const path = await imageWithLog('torn.vhdx', [
      { offset: 0, entry: { sequenceNumber: 3n, tail: 0, writes: [{ fileOffset: BAT_OFFSET, data: batSector(1, BLOCK_OFFSET) }] } },
      { offset: 8192, entry: { sequenceNumber: 4n, tail: 8192, writes: [{ fileOffset: BAT_OFFSET, data: batSector(2, BLOCK_OFFSET) }] }, corrupt: true },
    ]);
    await (await format.open(path)).close();
    const expected = new Uint8Array(8 * MiB);
    expected.set(pattern(MiB, 1), MiB);
    expect(firstDifference(await readAll(path), expected)).toBe(-1);
  });

  it('finds nothing to replay when the newest entry’s chain from its tail is broken, or entries carry another log GUID', async () => {
    const path = await imageWithLog('broken.vhdx', [
      { offset: 0, entry: { sequenceNumber: 3n, tail: 0, writes: [] }, corrupt: true },
      { offset: 4096, entry: { sequenceNumber: 4n, tail: 0, writes: [{ fileOffset: BAT_OFFSET, data: batSector(1, BLOCK_OFFSET) }] } },
    ]);
    await (await format.open(path)).close();
    expect(firstDifference(await readAll(path), new Uint8Array(8 * MiB))).toBe(-1);

    const bytes = new Uint8Array(await readFile(path));
    const other = encodeVhdxLogEntry({
      sequenceNumber: 9n,
      tail: 0,
      logGuid: '11111111-2222-3333-4444-555555555555',
      flushedFileOffset: 0,
      lastFileOffset: 0,
      writes: [{ fileOffset: BAT_OFFSET, data: batSector(1, BLOCK_OFFSET) }],
    });
    bytes.set(other, LOG_OFFSET);
    expect(() => decodeVhdxLogEntry(bytes.subarray(LOG_OFFSET, LOG_OFFSET + MiB), 0, LOG_GUID)).toThrow(/logGuid/);
  });

  it('wraps around its end: the newest entry is found and replayed after more entries than the log holds', async () => {
    const path = image('wrapped.vhdx');
    await format.create(path, { sizeBytes: 256 * MiB, blockSizeBytes: MiB });
    const writer = await format.open(path);
    const blocks = 200; // 8 KiB entries: 128 fill the 1 MiB log
    for (let block = 0; block < blocks; block++) await writer.write(block * MiB, pattern(512, block));
    await writer.flush();
    const file = await VhdxImageFile.open(path, true);
    const header = decodeVhdxHeader(await file.read(VhdxLayout.headerOffsets[0], 4096, 'header', 'signature'), 1, file.size);
    const active = await VhdxLog.activeSequence(file, header);
    await file.close();
    expect(active.map(({ sequenceNumber, offset }) => ({ sequenceNumber, offset }))).toEqual([{ sequenceNumber: 200n, offset: (200 - 128 - 1) * 8192 }]);
    // The writer still holds the log: a second opening replays it, as after a crash.
    const survivor = await format.open(path);
    const back = new Uint8Array(512);
    for (let block = 0; block < blocks; block++) {
      await survivor.read(block * MiB, back);
      expect(firstDifference(back, pattern(512, block)), `block ${block}`).toBe(-1);
    }
    await survivor.close();
    await writer.close();
  });

  it('refuses entries whose fields are wrong, naming the field', () => {
    const log = new Uint8Array(MiB);
    const entry = { sequenceNumber: 0x1_0000_0002n, tail: 0, logGuid: LOG_GUID, flushedFileOffset: 0, lastFileOffset: 0 };
    log.set(encodeVhdxLogEntry({ ...entry, writes: [{ fileOffset: BAT_OFFSET, data: pattern(4096, 2) }] }));
    const decoded = decodeVhdxLogEntry(log, 0, LOG_GUID);
    expect(decoded.writes).toEqual([{ fileOffset: BAT_OFFSET, data: pattern(4096, 2) }]);
    expect(decoded.sequenceNumber).toBe(0x1_0000_0002n);

    const broken = (at: number, value: number) => {
      const copy = log.slice();
      copy[at] = value;
      return () => decodeVhdxLogEntry(copy, 0, LOG_GUID);
    };
    expect(broken(0, 0)).toThrow(expect.objectContaining({ field: 'signature' }));
    expect(broken(200, 1)).toThrow(expect.objectContaining({ field: 'checksum' }));
    expect(broken(8, 0x10)).toThrow(VhdxFormatError); // entryLength no longer whole sectors
    expect(() => decodeVhdxLogEntry(log, 4096, LOG_GUID)).toThrow(expect.objectContaining({ field: 'signature' }));
  });

  it('refuses, on replay, entries that would write into the header section or the log', async () => {
    const path = await imageWithLog('hostile.vhdx', [
      { offset: 0, entry: { sequenceNumber: 1n, tail: 0, writes: [{ fileOffset: 64 * 1024, data: new Uint8Array(4096) }] } },
    ]);
    await expect(format.open(path)).rejects.toMatchObject({ structure: 'log entry at 0', field: 'descriptors[0].fileOffset' });
  });
});
