import { Hypervisor, type Partition } from '@tsvisor/hypervisor-core';
import { fileURLToPath } from 'node:url';
import { postMessageRoundTripMicros, postMessageThroughput } from '../baselines/worker-post-message.js';
import { median, type Figure, type Suite } from '../figure.js';

const RUNS = 5;
const ROUNDS = 20_000;
const FLOOD = 2_000_000;
const PAYLOAD = 240;

function guest(name: string): string {
  return fileURLToPath(new URL(`../guests/${name}.ts`, import.meta.url));
}

/** SignalEvent guest → host, answered by a SINT event host → guest: mean round trip in µs. */
async function signalRoundTrip(partition: Partition): Promise<number> {
  let started = 0;
  let finish: (micros: number) => void = () => undefined;
  partition.openMessagePort(1, (type) => {
    if (type === 1) started = performance.now();
    else finish(((performance.now() - started) * 1000) / ROUNDS);
  });
  partition.openEventPort(2, () => partition.synic.signalEvent(0, 2, 0));
  await partition.start();
  const request = new Uint8Array(4);
  const one = async (): Promise<number> => {
    const done = new Promise<number>((resolve) => (finish = resolve));
    new DataView(request.buffer).setUint32(0, ROUNDS, true);
    partition.synic.postMessage(0, 2, 1, request);
    return done;
  };
  await one(); // warm-up
  return median(RUNS, one);
}

/** PostMessage hypercalls of 240-byte payloads from a spinning guest: messages per second. */
async function messageThroughput(partition: Partition): Promise<number> {
  let count = 0;
  partition.openMessagePort(1, () => {
    count++;
  });
  await partition.start();
  const sample = async (): Promise<number> => {
    const from = count;
    const start = performance.now();
    while (count - from < FLOOD) await new Promise((resolve) => setImmediate(resolve));
    return (count - from) / ((performance.now() - start) / 1000);
  };
  await sample(); // warm-up
  return median(RUNS, sample);
}

/** Time from stop() to off for a guest spinning in a tight loop, in ms. */
async function stopLatency(hypervisor: Hypervisor): Promise<number> {
  return median(RUNS, async () => {
    const partition = hypervisor.createPartition({ name: 'spinner', memoryBytes: 1 << 20, guest: { entry: guest('spinner') } });
    const spinning = new Promise<void>((resolve) => partition.openMessagePort(1, () => resolve()));
    await partition.start();
    await spinning;
    await new Promise((resolve) => setTimeout(resolve, 50));
    const start = performance.now();
    await partition.stop();
    const elapsed = performance.now() - start;
    await hypervisor.destroyPartition(partition);
    return elapsed;
  });
}

export const hypercallSuite: Suite = {
  name: 'hypercall',
  description: 'SignalEvent round trip and PostMessage throughput between a VP and the host, against worker postMessage',
  async run(): Promise<Figure[]> {
    const hypervisor = new Hypervisor();
    try {
      const pingPong = hypervisor.createPartition({ name: 'ping-pong', memoryBytes: 1 << 20, guest: { entry: guest('signal-ping-pong') } });
      const rtt = await signalRoundTrip(pingPong);
      await pingPong.stop();
      const baseRtt = await median(RUNS, () => postMessageRoundTripMicros(ROUNDS));

      const flood = hypervisor.createPartition({ name: 'flood', memoryBytes: 1 << 20, guest: { entry: guest('message-flood') } });
      const throughput = await messageThroughput(flood);
      await flood.stop();
      const baseThroughput = await median(RUNS, () => postMessageThroughput(PAYLOAD, FLOOD / 4));

      const stop = await stopLatency(hypervisor);
      return [
        { name: 'signal-rtt', value: rtt, unit: 'µs', baseline: `worker postMessage round trip ${baseRtt.toFixed(1)} µs`, ratio: baseRtt / rtt },
        {
          name: 'post-message-240B',
          value: throughput,
          unit: 'msgs/s',
          baseline: `worker postMessage of 240 B ${Math.round(baseThroughput).toLocaleString('en-US')} msgs/s`,
          ratio: throughput / baseThroughput,
        },
        { name: 'stop-spinning-guest', value: stop, unit: 'ms' },
      ];
    } finally {
      await hypervisor.shutdown();
    }
  },
};
