import { readFile, rm, writeFile } from 'node:fs/promises';
import { crc32c } from '@tsvisor/wire';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { firstDifference } from './test-fixtures/bytes.js';
import { makePendingLogImage } from './test-fixtures/pending-log-image.js';
import { scratchDirectory } from './test-fixtures/scratch-directory.js';
import { VhdxDiskFormat } from './vhdx-disk-format.js';
import { VhdxFormatError } from './vhdx-format-error.js';
import { VhdxLayout } from './vhdx-layout.js';

const KiB = 1024;
const MiB = 1024 * KiB;
const image = scratchDirectory();
const format = new VhdxDiskFormat();

/** The structures of a small tsvisor image, where mutations do the most harm. */
const STRUCTURES = {
  fileIdentifier: [0, 16],
  header1: [64 * KiB, 80],
  header2: [128 * KiB, 80],
  regionTable1: [192 * KiB, 80],
  regionTable2: [256 * KiB, 80],
  log: [MiB, 8 * KiB],
  metadataTable: [2 * MiB, 32 + 6 * 32],
  metadataItems: [2 * MiB + 64 * KiB, 64],
  bat: [3 * MiB, 64],
} as const;
type Structure = keyof typeof STRUCTURES;

/** Recomputes the checksums of both headers and region tables, so that mutations reach their fields' validation. */
function fixChecksums(bytes: Uint8Array): void {
  const view = new DataView(bytes.buffer, bytes.byteOffset);
  const sections = [
    ...VhdxLayout.headerOffsets.map((offset) => [offset, VhdxLayout.headerSize] as const),
    ...VhdxLayout.regionTableOffsets.map((offset) => [offset, VhdxLayout.regionTableSize] as const),
  ];
  for (const [offset, size] of sections) {
    view.setUint32(offset + 4, 0, true);
    view.setUint32(offset + 4, crc32c(bytes.subarray(offset, offset + size)), true);
  }
}

const mutation = fc
  .record({
    structure: fc.constantFrom(...(Object.keys(STRUCTURES) as Structure[])),
    at: fc.nat(),
    value: fc.integer({ min: 0, max: 255 }),
  })
  .map(({ structure, at, value }) => {
    const [start, length] = STRUCTURES[structure];
    return { structure, offset: start + (at % length), value };
  });

let original: Uint8Array;
let expected: Uint8Array;
beforeAll(async () => {
  const path = image('base.vhdx');
  expected = await makePendingLogImage(path);
  original = new Uint8Array(await readFile(path));
});

/** Opens (replaying the log) and reads the whole disk at `path`, then removes the file; returns what it read or the error. */
async function openAndRead(path: string): Promise<Uint8Array | Error> {
  try {
    const disk = await format.open(path);
    try {
      const bytes = new Uint8Array(Math.min(disk.sizeBytes, 8 * MiB));
      await disk.read(0, bytes);
      return bytes;
    } finally {
      await disk.close();
    }
  } catch (error) {
    return error as Error;
  } finally {
    await rm(path);
  }
}

describe('VHDX images with damaged bytes', () => {
  it('open and read, or fail with a VhdxFormatError or RangeError, whatever the damage', async () => {
    let run = 0;
    const outcomes = { opened: 0, refused: 0 };
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.boolean(), async (mutations, checksummed) => {
        const bytes = original.slice();
        for (const { offset, value } of mutations) bytes[offset] = value;
        if (checksummed) fixChecksums(bytes);
        const path = image(`fuzz-${run++}.vhdx`);
        await writeFile(path, bytes);
        const outcome = await openAndRead(path);
        outcomes[outcome instanceof Error ? 'refused' : 'opened']++;
        if (outcome instanceof Error) {
          expect([VhdxFormatError, RangeError].some((type) => outcome instanceof type), String(outcome.stack)).toBe(true);
        }
      }),
      { numRuns: 150 },
    );
    // Both paths were taken: the damage was neither always fatal nor always harmless.
    expect(outcomes.opened).toBeGreaterThan(10);
    expect(outcomes.refused).toBeGreaterThan(10);
  }, 120_000);

  it('open and read correctly when the damage is confined to one copy of the header or the region table', async () => {
    let run = 0;
    const oneCopy = fc
      .constantFrom<Structure>('header1', 'header2', 'regionTable1', 'regionTable2')
      .chain((structure) => fc.array(mutation.filter((m) => m.structure === structure), { minLength: 1, maxLength: 6 }));
    await fc.assert(
      fc.asyncProperty(oneCopy, async (mutations) => {
        const bytes = original.slice();
        for (const { offset, value } of mutations) bytes[offset] = value;
        const path = image(`one-copy-${run++}.vhdx`);
        await writeFile(path, bytes);
        const outcome = await openAndRead(path);
        expect(outcome instanceof Error ? outcome.message : firstDifference(outcome, expected)).toBe(-1);
      }),
      { numRuns: 60 },
    );
  }, 120_000);
});
