import type { ServiceIdentifier } from 'inversify';
import type { SwitchPortCounters } from '../switch/switch-port-counters.js';
import type { SwitchPortOptions } from '../switch/switch-port-options.js';

/**
 * An adapter's place on a virtual switch, as a {@link SwitchDirectory} hands it out: frames go in
 * with `send` (copied before it returns) and come out through the `receiver` given to `attach`.
 */
export interface SwitchPortHandle {
  /** Name of the switch the port belongs to. */
  readonly switchName: string;
  /** Sends `frame[offset, offset + length)` into the switch; false when dropped (and counted). */
  send(frame: Uint8Array, offset: number, length: number): boolean;
  /**
   * Whether `send` can take `frames` more frames of `bytes` bytes in all now without dropping one
   * for want of room (in the port's queue, or in the link to the host's switch). A sender that
   * finds no room stops taking frames from its guest until {@link SwitchPortHandle.whenRoom}:
   * backpressure through the guest's ring instead of drops.
   */
  hasRoomFor(frames: number, bytes: number): boolean;
  /** Calls `listener` once, when room has freed (the queue drained to half), or the port left. */
  whenRoom(listener: () => void): void;
  /** Leaves the switch; idempotent. */
  detach(): void;
  /** The port's counters (the switch's view: spoofed, oversize, queue-full drops…). */
  readonly counters: Readonly<SwitchPortCounters>;
}

/**
 * Where the NICs of a host find their virtual switches by name. The in-process
 * {@link LocalSwitchDirectory} is the default; a directory that reaches switches in another
 * process fits the same interface (hence `attach` may be asynchronous).
 */
export interface SwitchDirectory {
  /**
   * Connects a port to the switch named `switchName`.
   * @throws UnknownSwitchError (or rejects with it) when no switch has that name.
   */
  attach(switchName: string, options: SwitchPortOptions): SwitchPortHandle | Promise<SwitchPortHandle>;
}

/** The host's switch directory (one per host: every VM of the host shares its switches). */
export const SwitchDirectory: ServiceIdentifier<SwitchDirectory> = Symbol.for('@tsvisor/network/SwitchDirectory');
