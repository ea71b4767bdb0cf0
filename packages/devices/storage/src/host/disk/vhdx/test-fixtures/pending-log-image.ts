import { readFile, writeFile } from 'node:fs/promises';
import { VhdxDiskFormat } from '../vhdx-disk-format.js';
import { pattern } from './bytes.js';

const MiB = 1024 * 1024;
/** Where new tsvisor images keep their BAT. */
const BAT_OFFSET = 3 * MiB;

/**
 * Makes at `path` an 8 MiB dynamic image (1 MiB blocks) as a crash leaves it just after the log
 * entry allocating block 2 was made durable: `pattern(MiB, 9)` written there, the BAT sector
 * not yet updated in place, the log GUID still set. Returns the disk's expected contents.
 */
export async function makePendingLogImage(path: string): Promise<Uint8Array> {
  const format = new VhdxDiskFormat();
  await format.create(path, { sizeBytes: 8 * MiB, blockSizeBytes: MiB });
  const disk = await format.open(path);
  await disk.write(2 * MiB, pattern(MiB, 9));
  await disk.flush();
  const crashed = new Uint8Array(await readFile(path));
  await disk.close();
  crashed.fill(0, BAT_OFFSET, BAT_OFFSET + 4096);
  await writeFile(path, crashed);
  const expected = new Uint8Array(8 * MiB);
  expected.set(pattern(MiB, 9), 2 * MiB);
  return expected;
}
