import { SYNIC_MESSAGE_FLAG_PENDING, SYNIC_MESSAGE_HEADER_SIZE, SYNIC_MESSAGE_SIZE, SynicMessageHeader, type VpEnvironment } from '@tsvisor/hypervisor-core/guest';
import { DebugConsole } from './debug-console.js';

/** The SINT the host sends requests on. */
const REQUEST_SINT = 2;

/**
 * Answers the host's requests: each SynIC message on SINT 2 carries a u32 n, answered with
 * fibonacci(n) on the console; n = 0 means shut down.
 */
export default async function fibonacciService(vp: VpEnvironment): Promise<number> {
  const console = new DebugConsole(vp);
  const slot = vp.synic.simpGpa + REQUEST_SINT * SYNIC_MESSAGE_SIZE;
  const header = new Int32Array(vp.memory, slot, 1);
  const view = new DataView(vp.memory, slot, SYNIC_MESSAGE_SIZE);
  console.log('fibonacci service ready on SINT 2');
  for (;;) {
    await vp.waitForInterrupt();
    while (Atomics.load(header, 0) !== 0) {
      const n = view.getUint32(SYNIC_MESSAGE_HEADER_SIZE, true);
      const pending = (view.getUint8(SynicMessageHeader.flags) & SYNIC_MESSAGE_FLAG_PENDING) !== 0;
      Atomics.store(header, 0, 0);
      if (pending) vp.eom();
      if (n === 0) {
        console.log('asked to shut down; halting');
        return 0;
      }
      console.log(`fibonacci(${n}) = ${fibonacci(n)}`);
    }
  }
}

function fibonacci(n: number): bigint {
  let [a, b] = [0n, 1n];
  for (let i = 0; i < n; i++) [a, b] = [b, a + b];
  return a;
}
