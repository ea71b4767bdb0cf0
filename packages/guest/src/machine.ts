import type { DeviceRegistry } from './device-registry.js';
import type { GuestClock } from './guest-clock.js';
import type { GuestConsole } from './guest-console.js';

/**
 * What a guest program gets: its machine's devices, a console to the host, the VP it runs on,
 * and a clock. Shutdown requests from the host arrive through the shutdown integration device
 * (`devices.first('integration.shutdown')`), which lets the program accept or veto them.
 */
export interface Machine {
  readonly devices: DeviceRegistry;
  readonly console: Pick<GuestConsole, 'log'>;
  /** The VP's index (programs run on VP 0). */
  readonly vpIndex: number;
  /** The time, and `sleep(ms)` for programs that wait (retries, timeouts, periodic work). */
  readonly clock: Pick<GuestClock, 'now' | 'sleep'>;
}

/**
 * A guest program: an ES module whose default export is this function. What it resolves with is
 * the guest's exit code (0 when it resolves with nothing).
 */
export type GuestProgram = (machine: Machine) => Promise<number | void> | number | void;
