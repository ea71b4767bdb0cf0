import { Hypervisor, PAGE_SIZE } from '@tsvisor/hypervisor-core';
import { RingMemory, RingReader, type RingPacket } from '@tsvisor/vmbus';
import { fileURLToPath } from 'node:url';
import { postMessageThroughput } from '../baselines/worker-post-message.js';
import { median, type Figure, type Suite } from '../figure.js';
import { RING_PAGES } from '../guests/ring-writer.js';

const RUNS = 5;
const WINDOW_MS = 400;
const SIZES: readonly [string, number][] = [
  ['64B', 64],
  ['4KiB', 4096],
  ['64KiB', 65536],
];

/** Packets per second a VP's raw RingWriter gets to a host RingReader, for one payload size. */
async function ringThroughput(hypervisor: Hypervisor, size: number): Promise<number> {
  const partition = hypervisor.createPartition({
    name: `ring-${size}`,
    memoryBytes: 4 * 1024 * 1024,
    guest: { entry: fileURLToPath(new URL('../guests/ring-writer.ts', import.meta.url)) },
  });
  const ring = new RingMemory(partition.memory.buffer, 0, RING_PAGES * PAGE_SIZE);
  const reader = new RingReader(ring, () => partition.synic.signalEvent(0, 2, 0));
  const packet: RingPacket = { type: 0, flags: 0, transactionId: 0n, dataOffset: 0, length: 0 };
  const target = new Uint8Array(ring.size);
  let count = 0;
  const drain = (): void => {
    do {
      reader.beginDrain();
      while (reader.next(packet, target)) {
        count++;
        if ((count & 63) === 0) reader.commit();
      }
      reader.commit();
    } while (reader.endDrain());
  };
  partition.openEventPort(2, drain);
  await partition.start();
  const request = new Uint8Array(4);
  new DataView(request.buffer).setUint32(0, size, true);
  partition.synic.postMessage(0, 2, 1, request);
  const sample = async (): Promise<number> => {
    const from = count;
    const start = performance.now();
    await new Promise((resolve) => setTimeout(resolve, WINDOW_MS));
    return (count - from) / ((performance.now() - start) / 1000);
  };
  await sample(); // warm-up
  const rate = await median(RUNS, sample);
  await partition.stop();
  await hypervisor.destroyPartition(partition);
  return rate;
}

export const vmbusSuite: Suite = {
  name: 'vmbus',
  description: 'raw ring throughput from a VP to the host, against worker postMessage of the same payloads',
  async run(): Promise<Figure[]> {
    const hypervisor = new Hypervisor();
    const figures: Figure[] = [];
    try {
      for (const [label, size] of SIZES) {
        const ours = await ringThroughput(hypervisor, size);
        const base = await median(RUNS, () => postMessageThroughput(size, size >= 65536 ? 20_000 : 200_000));
        figures.push({
          name: `ring-throughput-${label}`,
          value: ours,
          unit: 'msgs/s',
          baseline: `worker postMessage ${Math.round(base).toLocaleString('en-US')} msgs/s`,
          ratio: ours / base,
        });
      }
      return figures;
    } finally {
      await hypervisor.shutdown();
    }
  },
};
