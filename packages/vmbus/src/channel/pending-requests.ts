import type { CompletionReceiver } from './completion.js';

/**
 * A channel's requests awaiting their COMPLETION, by transaction id. Each id names a slot of a
 * table in its low bits and, above them, a sequence number that changes with every request, so a
 * late completion of a cancelled request never matches the request that reused its slot. Slots
 * are reused (the table only grows, up to `capacity`): a request costs no allocation and no hash
 * table churn, which a `Map` that empties and fills again at every request of queue depth 1 has.
 * Ids are never 0 (the id of packets that want no completion).
 */
export class PendingRequests {
  private readonly receivers: (CompletionReceiver | undefined)[] = [];
  private readonly ids: number[] = [];
  private readonly free: number[] = [];
  private count = 0;
  private sequence = 0;
  private readonly slotMask: number;
  private readonly slotSpan: number;
  private readonly sequenceLimit: number;

  /** @param capacity - requests pending at once at most (1 to 2³⁰); the caller checks {@link size} before adding. */
  constructor(readonly capacity: number) {
    if (!(Number.isInteger(capacity) && capacity >= 1 && capacity <= 2 ** 30)) throw new RangeError(`pending request capacity ${capacity} is not from 1 to 2^30`);
    const slotBits = Math.ceil(Math.log2(capacity + 1));
    this.slotSpan = 2 ** slotBits;
    this.slotMask = this.slotSpan - 1;
    this.sequenceLimit = 2 ** (32 - slotBits);
  }

  /** Requests pending. */
  get size(): number {
    return this.count;
  }

  /** Adds a request answered to `receiver`; returns its transaction id (a u32, never 0). */
  add(receiver: CompletionReceiver): number {
    const slot = this.free.length !== 0 ? this.free.pop()! : this.ids.length;
    this.sequence = this.sequence + 1 === this.sequenceLimit ? 0 : this.sequence + 1;
    const id = this.sequence * this.slotSpan + slot + 1;
    this.ids[slot] = id;
    this.receivers[slot] = receiver;
    this.count++;
    return id;
  }

  /** The receiver of the pending request `id`, or undefined if there is none. */
  get(id: number): CompletionReceiver | undefined {
    const slot = (id - 1) & this.slotMask;
    return slot < this.ids.length && this.ids[slot] === id ? this.receivers[slot] : undefined;
  }

  /** Forgets the pending request `id`; returns its receiver, or undefined if there was none. */
  delete(id: number): CompletionReceiver | undefined {
    const slot = (id - 1) & this.slotMask;
    if (!(slot < this.ids.length && this.ids[slot] === id)) return undefined;
    const receiver = this.receivers[slot];
    this.ids[slot] = 0;
    this.receivers[slot] = undefined;
    this.free.push(slot);
    this.count--;
    return receiver;
  }

  /** Forgets every pending request; returns their receivers. */
  clear(): CompletionReceiver[] {
    const receivers: CompletionReceiver[] = [];
    for (let slot = 0; slot < this.ids.length; slot++) {
      const receiver = this.receivers[slot];
      if (this.ids[slot] === 0 || receiver === undefined) continue;
      receivers.push(receiver);
      this.ids[slot] = 0;
      this.receivers[slot] = undefined;
      this.free.push(slot);
    }
    this.count = 0;
    return receivers;
  }
}
