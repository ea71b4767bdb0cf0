/**
 * Child process of the crash test: puts the same VM over and over, with contents of varying and
 * large size (so that a kill often lands inside a write), printing `written` after the first put,
 * until it is killed.
 */
import { FileInventoryStore } from '../file-inventory-store.js';
import { sampleVm } from './sample-vm.js';

const [directory, id] = process.argv.slice(2) as [string, string];
const store = new FileInventoryStore(directory);
for (let round = 0; ; round++) {
  const samples = Array.from({ length: 20_000 + (round % 7) * 5_000 }, (_, index) => index * round);
  const vm = sampleVm({ id, name: 'crash-test', notes: 'x'.repeat(round % 1000), processors: 1 + (round % 16) });
  await store.put({ ...vm, devices: [{ ...vm.devices[0]!, config: { round, samples } }] });
  if (round === 0) process.stdout.write('written\n');
}
