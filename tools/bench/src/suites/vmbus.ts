import { Hypervisor, PAGE_SIZE, type Partition } from '@tsvisor/hypervisor-core';
import { HostVmbus, RingMemory, RingReader, type Channel, type RingPacket } from '@tsvisor/vmbus';
import { firstValueFrom } from 'rxjs';
import { fileURLToPath } from 'node:url';
import { postMessageRoundTripMicros, postMessageThroughput } from '../baselines/worker-post-message.js';
import { BENCH_DEVICE_INSTANCE, BENCH_DEVICE_TYPE } from '../guests/bench-device.js';
import { median, type Figure, type Suite } from '../figure.js';
import { RING_PAGES } from '../guests/ring-writer.js';
import { medianWindowRate } from '../window-rate.js';

const RUNS = 5;
const WINDOW_MS = 400;
const SIZES: readonly [string, number][] = [
  ['64B', 64],
  ['4KiB', 4096],
  ['64KiB', 65536],
];

/** The median over {@link RUNS} windows (after one warm-up window) of how fast `count()` grows, per second. */
function medianRate(count: () => number): Promise<number> {
  return medianWindowRate(count, { windows: RUNS, windowMs: WINDOW_MS });
}

/** Packets per second a VP's raw RingWriter gets to a host RingReader, for one payload size. */
async function ringThroughput(hypervisor: Hypervisor, size: number): Promise<number> {
  const partition = hypervisor.createPartition({
    name: `ring-${size}`,
    memoryBytes: 4 * 1024 * 1024,
    guest: { entry: fileURLToPath(new URL('../guests/ring-writer.ts', import.meta.url)) },
  });
  const ring = new RingMemory(partition.memory.buffer, 0, RING_PAGES * PAGE_SIZE);
  const reader = new RingReader(ring, () => partition.synic.signalEvent(0, 2, 0));
  const packet: RingPacket = { bytes: new Uint8Array(0), start: 0, type: 0, flags: 0, transactionIdLow: 0, transactionIdHigh: 0, dataOffset: 0, length: 0 };
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
  const rate = await medianRate(() => count);
  await partition.stop();
  await hypervisor.destroyPartition(partition);
  return rate;
}

/** Boots a partition running bench guest `guest` with the bench device offered; resolves with the host end of its channel. */
async function benchChannel(
  hypervisor: Hypervisor,
  guest: string,
  userDefined: Uint8Array,
  poll: boolean,
): Promise<{ partition: Partition; vmbus: HostVmbus; channel: Channel }> {
  const partition = hypervisor.createPartition({
    name: `channel-${guest}`,
    memoryBytes: 8 * 1024 * 1024,
    guest: { entry: fileURLToPath(new URL(`../guests/${guest}.ts`, import.meta.url)) },
  });
  const vmbus = new HostVmbus(partition);
  const offer = vmbus.offer({ interfaceType: BENCH_DEVICE_TYPE, interfaceInstance: BENCH_DEVICE_INSTANCE, userDefined, poll });
  const opened = firstValueFrom(offer.channels$);
  await partition.start();
  return { partition, vmbus, channel: await opened };
}

async function release(hypervisor: Hypervisor, partition: Partition, vmbus: HostVmbus): Promise<void> {
  vmbus.close();
  await partition.stop();
  await hypervisor.destroyPartition(partition);
}

/** Packets per second a VP's guest program gets to the host through the public Channel API. */
async function channelThroughput(hypervisor: Hypervisor, size: number): Promise<number> {
  const userDefined = new Uint8Array(4);
  new DataView(userDefined.buffer).setUint32(0, size, true);
  const { partition, vmbus, channel } = await benchChannel(hypervisor, 'channel-writer', userDefined, true);
  let count = 0;
  channel.packets$.subscribe(() => count++);
  const rate = await medianRate(() => count);
  await release(hypervisor, partition, vmbus);
  return rate;
}

/** Mean host → guest → host round trip in microseconds: a request completed by the guest. */
async function channelRoundTrip(hypervisor: Hypervisor, poll: boolean): Promise<number> {
  const { partition, vmbus, channel } = await benchChannel(hypervisor, 'channel-echo', new Uint8Array([poll ? 1 : 0]), poll);
  const packet = { payload: new Uint8Array(8) };
  const rounds = poll ? 20_000 : 2_000;
  const measure = async (): Promise<number> => {
    const start = performance.now();
    for (let i = 0; i < rounds; i++) await firstValueFrom(channel.request(packet));
    return ((performance.now() - start) * 1000) / rounds;
  };
  await measure(); // warm-up
  const micros = await median(RUNS, measure);
  await release(hypervisor, partition, vmbus);
  return micros;
}

export const vmbusSuite: Suite = {
  name: 'vmbus',
  description: 'channel and raw ring throughput from a VP to the host, and channel round trips, against worker postMessage',
  async run(): Promise<Figure[]> {
    const hypervisor = new Hypervisor();
    const figures: Figure[] = [];
    try {
      for (const [label, size] of SIZES) {
        const base = await median(RUNS, () => postMessageThroughput(size, size >= 65536 ? 20_000 : 200_000));
        const baseline = `worker postMessage ${Math.round(base).toLocaleString('en-US')} msgs/s`;
        const channel = await channelThroughput(hypervisor, size);
        figures.push({ name: `channel-throughput-${label}`, value: channel, unit: 'msgs/s', baseline, ratio: channel / base });
        const ring = await ringThroughput(hypervisor, size);
        figures.push({ name: `ring-throughput-${label}`, value: ring, unit: 'msgs/s', baseline, ratio: ring / base });
      }
      const baseRtt = await median(RUNS, () => postMessageRoundTripMicros(2_000));
      const rttBaseline = `worker postMessage round trip ${baseRtt.toPrecision(3)} µs`;
      for (const poll of [false, true]) {
        const micros = await channelRoundTrip(hypervisor, poll);
        figures.push({ name: poll ? 'rtt-poll' : 'rtt-interrupt', value: micros, unit: 'µs', baseline: rttBaseline, ratio: baseRtt / micros });
      }
      return figures;
    } finally {
      await hypervisor.shutdown();
    }
  },
};
