/**
 * Child process of the crash test: writes {@link crashWrite}s from index `first` on to the VHDX
 * image, flushing after every third, and prints `flushed <index>` once a flush covering writes up
 * to `index` has completed; after `count` writes it idles until it is killed.
 */
import { VhdxDiskFormat } from '../vhdx-disk-format.js';
import { crashWrite } from './crash-writes.js';

const [path, first, count] = process.argv.slice(2).map((arg, i) => (i === 0 ? arg : Number(arg))) as [string, number, number];
const disk = await new VhdxDiskFormat().open(path);
for (let index = first; index < first + count; index++) {
  const { offset, data } = crashWrite(index);
  await disk.write(offset, data);
  if (index % 3 === 2) {
    await disk.flush();
    process.stdout.write(`flushed ${index}\n`);
  }
}
setInterval(() => undefined, 60_000);
