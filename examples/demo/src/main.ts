/**
 * The tsvisor demo: boots two partitions running example guests, shows what they print,
 * talks to one of them over the SynIC, and exits 0 once both guests have halted.
 */
import { Hypervisor, type Partition } from '@tsvisor/hypervisor-core';
import { fileURLToPath } from 'node:url';

const guest = (name: string): string => fileURLToPath(import.meta.resolve(`@tsvisor/example-guests/${name}`));

function attachConsole(partition: Partition): void {
  const decoder = new TextDecoder();
  let pending = '';
  partition.openMessagePort(1, (_type, payload, size) => {
    pending += decoder.decode(payload.subarray(0, size), { stream: true });
    for (let end = pending.indexOf('\n'); end >= 0; end = pending.indexOf('\n')) {
      console.log(`[${partition.name}] ${pending.slice(0, end)}`);
      pending = pending.slice(end + 1);
    }
  });
  partition.transitions$.subscribe(({ from, to, reason }) =>
    console.log(`  ${partition.name}: ${from} → ${to}${reason ? ` (${reason})` : ''}`),
  );
}

function untilOff(partition: Partition): Promise<void> {
  return new Promise((resolve, reject) =>
    partition.state$.subscribe((state) => {
      if (state === 'off') resolve();
      if (state === 'faulted') reject(new Error(`${partition.name} faulted: ${partition.reason}`));
    }),
  );
}

async function main(): Promise<void> {
  const hypervisor = new Hypervisor();
  const sieve = hypervisor.createPartition({ name: 'sieve', memoryBytes: 4 * 1024 * 1024, guest: { entry: guest('primes') } });
  const fib = hypervisor.createPartition({ name: 'fib', memoryBytes: 1024 * 1024, guest: { entry: guest('fibonacci-service') } });
  for (const partition of [sieve, fib]) attachConsole(partition);
  const done = Promise.all([untilOff(sieve), untilOff(fib)]);

  await Promise.all([sieve.start(), fib.start()]);
  for (const n of [10, 50, 90, 0]) {
    const request = new Uint8Array(4);
    new DataView(request.buffer).setUint32(0, n, true);
    fib.synic.postMessage(0, 2, 1, request);
  }
  await done;
  console.log('');
  for (const partition of [sieve, fib]) {
    const c = partition.counters();
    console.log(
      `${partition.name}: ${c.messagesSent} messages to the host, ${c.messagesDelivered} from it, ` +
        `${c.messagesRefused + c.signalsRefused} hypercalls refused, VP busy ${Math.round(c.vps[0]!.activeMs)} ms`,
    );
  }
  await hypervisor.shutdown();
  console.log('both partitions halted and were destroyed');
}

const watchdog = setTimeout(() => {
  console.error('the demo did not finish within 60 s');
  process.exit(1);
}, 60_000);
watchdog.unref();
await main();
