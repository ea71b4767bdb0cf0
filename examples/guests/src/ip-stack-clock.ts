import type { Machine } from '@tsvisor/guest';
import type { IpStack } from '@tsvisor/network/guest';

/** How often the example programs let their IP stack's time go on (ARP retries, ping timeouts). */
const TICK_MS = 20;

/**
 * Drives `stack`'s timers from the machine's clock (the guest realm has none of its own) until the
 * returned function is called.
 */
export function tickIpStack(machine: Machine, stack: IpStack): () => void {
  let running = true;
  void (async () => {
    while (running) {
      await machine.clock.sleep(TICK_MS);
      if (running) stack.tick();
    }
  })();
  return () => {
    running = false;
  };
}
