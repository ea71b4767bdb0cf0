/* eslint-disable @typescript-eslint/no-explicit-any -- this function is evaluated inside the guest realm, where host types mean nothing */
/**
 * The first code that runs inside a guest realm. It is not called in the host: the VP
 * runtime serializes it with `toString()` and evaluates it in the guest's `vm` context, so
 * every object it makes (the environment, its functions, its promises) belongs to that
 * context. It must stay self-contained: no imports, no references to outer names.
 *
 * The host functions it receives take and return numbers (and, for a fault, a string);
 * they are captured here and never handed to guest code, and every call is wrapped so that
 * no host-realm exception object ever reaches the guest. It runs before the guest image, so
 * the built-ins it captures are the realm's originals; it returns the function that starts
 * the image's default export.
 */
export function guestBootstrap(
  memory: SharedArrayBuffer,
  layout: string,
  hcPostMessage: (inputGpa: number) => number,
  hcSignalEvent: (connectionId: number, flagNumber: number) => number,
  hcEom: () => number,
  hcCheckpoint: () => number,
  hcHalt: (code: number) => void,
  hcFault: (reason: string) => void,
): (guestExports: any) => void {
  'use strict';
  const INVALID_INPUT = 3;
  const numbers = JSON.parse(layout);
  // The VP assist page's first words (VpAssistPage): the pending-interrupt mask, and the flag that
  // says this VP waits for one.
  const assist = new Int32Array(memory, numbers.vpAssistGpa, 2);
  const WAITING = 1;
  // Halt polling (adaptive, as KVM's): the budget doubles, up to the partition's, each time an
  // interrupt came while polling, and halves, down to a sixteenth of it, each time none did.
  const haltPollMax = numbers.haltPoll as number;
  const haltPollMin = haltPollMax >>> 4;
  let haltPoll = haltPollMax;
  const load = Atomics.load;
  const exchange = Atomics.exchange;
  const store = Atomics.store;
  const waitAsync = Atomics.waitAsync;
  const call1 = (fn: (a: number) => number, a: unknown): number => {
    const x = Number(a);
    try {
      return fn(x);
    } catch {
      return INVALID_INPUT;
    }
  };
  const checkpoint = (): void => {
    try {
      hcCheckpoint();
    } catch {
      // a host-side failure to pause must not become a guest-visible object
    }
  };
  const env = Object.freeze({
    memory,
    memorySize: numbers.memorySize as number,
    vpIndex: numbers.vpIndex as number,
    vpCount: numbers.vpCount as number,
    reservedFirstGpa: numbers.reservedFirstGpa as number,
    synic: Object.freeze({
      simpGpa: numbers.simpGpa as number,
      siefpGpa: numbers.siefpGpa as number,
      vpAssistGpa: numbers.vpAssistGpa as number,
      hypercallInputGpa: numbers.hypercallInputGpa as number,
    }),
    postMessage(inputGpa: number): number {
      return call1(hcPostMessage, inputGpa);
    },
    signalEvent(connectionId: number, flagNumber = 0): number {
      const c = Number(connectionId);
      const f = Number(flagNumber);
      try {
        return hcSignalEvent(c, f);
      } catch {
        return INVALID_INPUT;
      }
    },
    eom(): number {
      try {
        return hcEom();
      } catch {
        return INVALID_INPUT;
      }
    },
    async waitForInterrupt(timeoutMs?: number): Promise<number> {
      checkpoint();
      const timeout = timeoutMs === undefined ? Infinity : Math.max(0, Number(timeoutMs));
      let pending = exchange(assist, 0, 0);
      if (pending === 0 && haltPoll !== 0 && timeout !== 0) {
        const budget = haltPoll;
        let looks = 0;
        while (looks < budget && load(assist, 0) === 0) looks++;
        if (looks < budget) {
          pending = exchange(assist, 0, 0);
          haltPoll = Math.min(haltPollMax, budget * 2);
        } else {
          haltPoll = Math.max(haltPollMin, budget >>> 1);
        }
      }
      while (pending === 0) {
        // Announce the wait, then look once more: a raise either lands before this look or sees
        // the announcement and wakes this VP.
        store(assist, WAITING, 1);
        pending = exchange(assist, 0, 0);
        if (pending !== 0) {
          store(assist, WAITING, 0);
          break;
        }
        const wait = waitAsync(assist, 0, 0, timeout);
        const outcome = wait.async ? await wait.value : wait.value;
        store(assist, WAITING, 0);
        pending = exchange(assist, 0, 0);
        if (outcome === 'timed-out') break;
      }
      checkpoint();
      return pending >>> 0;
    },
  });
  const describe = (error: unknown): string => {
    try {
      if (error instanceof Error) return String(error.stack || error.message || error.name);
      return 'guest threw a non-error value: ' + String(error);
    } catch {
      return 'guest threw a value that cannot be printed';
    }
  };
  const halt = (code: unknown): void => {
    try {
      hcHalt(typeof code === 'number' && Number.isInteger(code) ? code : 0);
    } catch {
      // the VP is going away either way
    }
  };
  const fault = (error: unknown): void => {
    try {
      hcFault(describe(error));
    } catch {
      // the VP is going away either way
    }
  };
  return (guestExports: any): void => {
    // Start from a fresh job so that no host frame is on the stack under guest code.
    Promise.resolve()
      .then(() => {
        const entry = guestExports && guestExports.default;
        if (typeof entry !== 'function') throw new TypeError('the guest entry module has no default export function');
        return entry(env);
      })
      .then(halt, fault);
  };
}
