import fc from 'fast-check';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixVhdChecksums } from './test-fixtures/vhd-image-patch.js';
import { VhdDiskFormat } from './vhd-disk-format.js';
import { VhdFormatError } from './vhd-format-error.js';
import { VhdUnsupportedError } from './vhd-unsupported-error.js';

const KiB = 1024;
const format = new VhdDiskFormat();
let dir: string;
const templates: Record<'dynamic' | 'fixed', Uint8Array> = { dynamic: new Uint8Array(), fixed: new Uint8Array() };

/** Small valid images to mutate: a dynamic one with two 512 KiB blocks (one partial), a fixed one. */
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tsvisor-vhd-hostile-'));
  for (const kind of ['dynamic', 'fixed'] as const) {
    const path = join(dir, `template-${kind}.vhd`);
    await format.create(path, { sizeBytes: 1024 * KiB, fixed: kind === 'fixed', blockSizeBytes: 512 * KiB });
    const disk = await format.open(path);
    await disk.write(0, new Uint8Array(4 * KiB).fill(0x5a));
    await disk.write(700 * KiB, new Uint8Array(KiB).fill(0xa5));
    await disk.close();
    templates[kind] = new Uint8Array(await readFile(path));
  }
  // Block 1's first sectors absent, so reads go through its bitmap.
  templates.dynamic[2048 + 512 + 512 * KiB] = 0x0f;
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Values that hit the interesting cases of offsets, sizes and BAT entries. */
const fieldValue = fc.oneof(
  fc.uint8Array({ minLength: 1, maxLength: 8 }),
  fc.constantFrom(Uint8Array.of(0, 0, 0, 0), Uint8Array.of(0xff, 0xff, 0xff, 0xff), Uint8Array.of(0, 0, 0, 4), Uint8Array.of(0, 0, 0, 3), Uint8Array.of(0x80, 0, 0, 0)),
);
/** A BAT entry (the table is at 1536) pointing somewhere near the blocks, or into the metadata. */
const batEntry = fc.record({
  at: fc.constantFrom(1536, 1540),
  value: fc.integer({ min: 0, max: 4200 }).map((sector) => Uint8Array.of(0, 0, sector >> 8, sector & 0xff)),
});
/** Where to write it: the front structures (footer copy, header, BAT), a bitmap, the tail footer, anywhere. */
const fieldMutation = fc.record({
  at: fc.oneof(
    fc.integer({ min: 0, max: 2047 }),
    fc.integer({ min: 2048, max: 2048 + 127 }),
    fc.integer({ min: -512, max: -1 }),
    fc.integer({ min: 0, max: 2 * 1024 * KiB }),
  ),
  value: fieldValue,
});
const mutation = fc.oneof(fieldMutation, batEntry);

describe('hostile VHD images', () => {
  it('open and serve reads and writes, or fail with a VhdFormatError, VhdUnsupportedError or RangeError', async () => {
    let run = 0;
    let opened = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('dynamic' as const, 'fixed' as const),
        fc.array(mutation, { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.oneof({ arbitrary: fc.constant(0), weight: 3 }, { arbitrary: fc.integer({ min: -1024, max: 1024 }), weight: 1 }),
        async (kind, mutations, fixChecksums, resize) => {
          const template = templates[kind];
          const image = new Uint8Array(Math.max(0, template.length + resize));
          image.set(template.subarray(0, image.length));
          for (const { at, value } of mutations) {
            const offset = at < 0 ? image.length + at : at % Math.max(1, image.length);
            image.set(value.subarray(0, Math.max(0, image.length - offset)), offset);
          }
          if (fixChecksums) fixVhdChecksums(image);
          const path = join(dir, `mutant-${run++}.vhd`);
          await writeFile(path, image);

          const disk = await format.open(path).catch((error: unknown) => {
            expect(error instanceof VhdFormatError || error instanceof VhdUnsupportedError || error instanceof RangeError, String(error)).toBe(true);
            return undefined;
          });
          if (disk === undefined) return;
          try {
            expect(disk.sizeBytes % 512).toBe(0);
            const head = new Uint8Array(Math.min(disk.sizeBytes, 1024 * KiB));
            await disk.read(0, head);
            const last = disk.sizeBytes - 512;
            if (last < 512) return;
            const before = (await stat(path)).size;
            const sector = new Uint8Array(512).fill(0x3c);
            await disk.write(0, sector);
            await disk.write(last, sector);
            const back = new Uint8Array(512);
            await disk.read(last, back);
            expect(back).toEqual(sector);
            await disk.read(0, back);
            expect(back).toEqual(sector);
            await disk.unmap(0, 512);
            await disk.read(0, back);
            expect(back.every((b) => b === 0)).toBe(true);
            // At most two new blocks (each under 2 GiB and its bitmap) and a footer.
            expect((await stat(path)).size - before).toBeLessThanOrEqual(2 * (2 ** 31 + 512 * KiB) + 512);
          } finally {
            await disk.close();
          }
          // What was accepted stays a valid image holding what was written.
          const again = await format.open(path, { readOnly: true });
          const back = new Uint8Array(512);
          await again.read(disk.sizeBytes - 512, back);
          await again.close();
          expect(back.every((b) => b === 0x3c)).toBe(true);
          opened++;
        },
      ),
      { numRuns: 300 },
    );
    // The property says little if mutants hardly ever open: many must get through.
    expect(opened).toBeGreaterThan(30);
  });
});
