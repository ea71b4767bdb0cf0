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
  hcNow: () => number,
  hcOvercommitted: () => number,
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
  // Halt polling, adaptive as KVM's: no polling at first; a wait that ended within the partition's
  // limit grows the poll (from 10 µs, doubling up to the limit), one that lasted longer halves it
  // (to none below 10 µs). Times in ms, from the host's clock (never handed to guest code).
  const haltPollMaxMs = (numbers.haltPollUs as number) / 1000;
  const HALT_POLL_START_MS = Math.min(0.01, haltPollMaxMs);
  let haltPollMs = 0;
  // While the host says it is overcommitted, a poll would take a CPU another thread waits for (KVM
  // polls only when nothing else is runnable): no poll then, and nothing adapts. A failing read
  // counts as overcommitted.
  const overcommitted = (): boolean => {
    try {
      return hcOvercommitted() !== 0;
    } catch {
      return true;
    }
  };
  // A clock that fails reads as the end of time: no poll runs on, and nothing adapts.
  const now = (): number => {
    try {
      return hcNow();
    } catch {
      return Infinity;
    }
  };
  const load = Atomics.load;
  const exchange = Atomics.exchange;
  const store = Atomics.store;
  const waitAsync = Atomics.waitAsync;
  const notify = Atomics.notify;
  // One turn of the VP's event loop: a wait on a word of its own that it wakes itself ends in a
  // task, after every microtask queued meanwhile has run (about 1.4 µs).
  const turnWord = new Int32Array(new SharedArrayBuffer(4));
  const nextTurn = async (): Promise<void> => {
    const wait = waitAsync(turnWord, 0, 0);
    notify(turnWord, 0);
    if (wait.async) await wait.value;
  };
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
      const adapt = pending === 0 && haltPollMaxMs !== 0 && timeout !== 0 && !overcommitted();
      const halted = adapt ? now() : 0;
      if (adapt && haltPollMs !== 0) {
        // A halted VP is one with nothing left to run: the guest's answers to the interrupts it
        // just took (often requests the host must see before it raises the next one) run first.
        // Polled at once, they waited for the poll to run out.
        await nextTurn();
        const until = halted + haltPollMs;
        poll: for (;;) {
          for (let look = 0; look < 256; look++) if (load(assist, 0) !== 0) break poll;
          if (now() >= until) break;
        }
        pending = exchange(assist, 0, 0);
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
      if (adapt) {
        const haltedMs = now() - halted;
        if (haltedMs > haltPollMaxMs) {
          if (haltPollMs !== 0) haltPollMs = haltPollMs / 2 < HALT_POLL_START_MS ? 0 : haltPollMs / 2;
        } else if (haltedMs > haltPollMs && haltPollMs < haltPollMaxMs) {
          haltPollMs = haltPollMs === 0 ? HALT_POLL_START_MS : Math.min(haltPollMaxMs, haltPollMs * 2);
        }
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
