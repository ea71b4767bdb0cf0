import type { VpEnvironment } from '@tsvisor/hypervisor-core/guest';
import { DebugConsole } from './debug-console.js';

/** Sieves the primes below 2,000,000 in its own memory, reporting as it goes, then halts. */
export default async function primes(vp: VpEnvironment): Promise<number> {
  const console = new DebugConsole(vp);
  const limit = 2_000_000;
  // The sieve lives in guest RAM, from GPA 0: one byte a number.
  const sieve = new Uint8Array(vp.memory, 0, limit);
  console.log(`sieving primes below ${limit.toLocaleString()} in ${vp.reservedFirstGpa / 1024} KiB of guest RAM`);
  let count = 0;
  for (let n = 2; n < limit; n++) {
    if (sieve[n] !== 0) continue;
    count++;
    for (let m = n * n; m < limit; m += n) sieve[m] = 1;
    if (count % 40_000 === 0) console.log(`  ${count.toLocaleString()} primes so far, the latest ${n.toLocaleString()}`);
  }
  console.log(`found ${count.toLocaleString()} primes; halting`);
  return 0;
}
