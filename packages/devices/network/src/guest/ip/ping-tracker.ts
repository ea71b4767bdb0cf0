import type { Ipv4Address } from './ipv4-address.js';
import { PingTimeoutError } from './ping-timeout-error.js';

/** A ping sent and not yet answered. */
interface OutstandingPing {
  readonly address: Ipv4Address;
  readonly payload: Uint8Array;
  readonly sentAt: number;
  readonly deadline: number;
  readonly timeoutMs: number;
  readonly resolve: (roundTripMs: number) => void;
  readonly reject: (error: Error) => void;
}

/**
 * The pings in flight: each has a sequence number under the stack's echo identifier, and settles
 * with the round-trip time when its reply arrives, or with {@link PingTimeoutError} at the first
 * `tick` past its deadline. Reads no clock itself.
 */
export class PingTracker {
  private readonly outstanding = new Map<number, OutstandingPing>();
  private nextSequence = 0;

  constructor(
    /** The ICMP echo identifier of this stack's pings. */
    readonly identifier: number,
  ) {}

  /** Registers a ping to `address` sent at `now`; its sequence number, and the round-trip time to come. */
  track(address: Ipv4Address, payload: Uint8Array, timeoutMs: number, now: number): { sequence: number; roundTrip: Promise<number> } {
    const sequence = this.nextSequence;
    this.nextSequence = (sequence + 1) & 0xffff;
    // After 65 536 pings the number comes round again; the older ping's reply could no longer be told apart.
    this.settle(sequence, new PingTimeoutError(address, timeoutMs));
    const roundTrip = new Promise<number>((resolve, reject) => {
      this.outstanding.set(sequence, { address, payload, sentAt: now, deadline: now + timeoutMs, timeoutMs, resolve, reject });
    });
    return { sequence, roundTrip };
  }

  /**
   * Settles the ping answered by an echo reply from `source` with `sequence` and the data
   * `bytes[start, end)`, received at `now`; false when no ping of ours matches.
   */
  answer(source: Ipv4Address, sequence: number, bytes: Uint8Array, start: number, end: number, now: number): boolean {
    const ping = this.outstanding.get(sequence);
    if (!ping || ping.address !== source || ping.payload.length !== end - start) return false;
    for (let index = 0; index < ping.payload.length; index++) if (ping.payload[index] !== bytes[start + index]) return false;
    this.outstanding.delete(sequence);
    ping.resolve(now - ping.sentAt);
    return true;
  }

  /** Fails the ping with `sequence`, if still in flight, with `error`. */
  settle(sequence: number, error: Error): void {
    const ping = this.outstanding.get(sequence);
    if (!ping) return;
    this.outstanding.delete(sequence);
    ping.reject(error);
  }

  /** Times out every ping whose deadline is past at `now`. */
  tick(now: number): void {
    for (const [sequence, ping] of this.outstanding) {
      if (now >= ping.deadline) this.settle(sequence, new PingTimeoutError(ping.address, ping.timeoutMs));
    }
  }

  /** Fails every ping in flight with `error`. */
  clear(error: Error): void {
    for (const sequence of [...this.outstanding.keys()]) this.settle(sequence, error);
  }
}
