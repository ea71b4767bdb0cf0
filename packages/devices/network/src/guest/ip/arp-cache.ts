import { ArpQueueFullError } from './arp-queue-full-error.js';
import { ArpResolutionError } from './arp-resolution-error.js';
import type { ArpSettings } from './ip-stack-config.js';
import type { Ipv4Address } from './ipv4-address.js';
import { writeMac, type MacAddress } from '../../protocol/mac-address.js';
import type { PendingSend } from './pending-send.js';

/** What the ARP cache asks of its owner; the cache itself does no I/O and reads no clock. */
export interface ArpCacheEffects {
  /** Broadcasts an ARP request for `address`. */
  request(address: Ipv4Address): void;
  /** Transmits a queued frame whose destination MAC has just been filled in. */
  transmit(frame: Uint8Array): void;
  /** `count` queued packets were dropped: `queueFull` when refused, `unresolved` when their next hop never answered. */
  dropped(reason: 'queueFull' | 'unresolved', count: number): void;
  /** A next hop was given up on. */
  failed(address: Ipv4Address): void;
}

/** A frame waiting for its next hop's MAC address, and who waits for it to go out. */
interface QueuedFrame {
  readonly frame: Uint8Array;
  readonly pending: PendingSend | undefined;
}

/** One next hop: resolved (a MAC until `expiresAt`) or pending (requests sent, frames queued). */
interface ArpEntry {
  mac: MacAddress | undefined;
  expiresAt: number;
  attempts: number;
  retryAt: number;
  queue: QueuedFrame[];
}

/**
 * The ARP cache and resolver (RFC 826, with the retry and aging of RFC 1122 §2.3.2): maps next
 * hops to MAC addresses, ages entries out, asks again on `tick` while unanswered, and holds a
 * bounded queue of frames per next hop until the answer comes or the tries run out. Events in
 * (lookups, learned mappings, ticks with the time), effects out: deterministic to test.
 */
export class ArpCache {
  private readonly entries = new Map<Ipv4Address, ArpEntry>();

  constructor(
    private readonly settings: ArpSettings,
    private readonly effects: ArpCacheEffects,
  ) {}

  /** The MAC address of `address`, if known and not aged out at `now`. */
  lookup(address: Ipv4Address, now: number): MacAddress | undefined {
    const entry = this.entries.get(address);
    return entry?.mac !== undefined && now < entry.expiresAt ? entry.mac : undefined;
  }

  /**
   * Queues `frame` (its first six bytes to be overwritten with the MAC address) until `address`
   * resolves, asking for it if nobody has yet; an error when the queue for `address` is full.
   */
  enqueue(address: Ipv4Address, frame: Uint8Array, pending: PendingSend | undefined, now: number): ArpQueueFullError | undefined {
    let entry = this.entries.get(address);
    if (entry?.mac !== undefined) {
      this.entries.delete(address); // aged out: resolve afresh
      entry = undefined;
    }
    if (!entry) {
      this.makeRoom();
      entry = { mac: undefined, expiresAt: 0, attempts: 1, retryAt: now + this.settings.retryIntervalMs, queue: [] };
      this.entries.set(address, entry);
      this.effects.request(address);
    }
    if (entry.queue.length >= this.settings.maxPendingPackets) {
      this.effects.dropped('queueFull', 1);
      return new ArpQueueFullError(address, this.settings.maxPendingPackets);
    }
    entry.queue.push({ frame, pending });
    return undefined;
  }

  /**
   * Records that `address` is at `mac` (RFC 826's merge): an existing entry is refreshed and its
   * queued frames go out; a new entry is made only when `create` (the packet was addressed to us).
   */
  learn(address: Ipv4Address, mac: MacAddress, now: number, create: boolean): void {
    let entry = this.entries.get(address);
    if (!entry) {
      if (!create) return;
      this.makeRoom();
      entry = { mac, expiresAt: 0, attempts: 0, retryAt: 0, queue: [] };
      this.entries.set(address, entry);
    }
    entry.mac = mac;
    entry.expiresAt = now + this.settings.cacheTtlMs;
    if (entry.queue.length === 0) return;
    const queue = entry.queue;
    entry.queue = [];
    for (const { frame, pending } of queue) {
      writeMac(frame, 0, mac);
      this.effects.transmit(frame);
      pending?.resolve();
    }
  }

  /** Ages out resolved entries and asks again for pending ones (or gives up on them) as of `now`. */
  tick(now: number): void {
    for (const [address, entry] of this.entries) {
      if (entry.mac !== undefined) {
        if (now >= entry.expiresAt) this.entries.delete(address);
      } else if (now >= entry.retryAt) {
        if (entry.attempts >= this.settings.maxAttempts) {
          this.entries.delete(address);
          this.fail(address, entry, new ArpResolutionError(address, entry.attempts));
        } else {
          entry.attempts++;
          entry.retryAt = now + this.settings.retryIntervalMs;
          this.effects.request(address);
        }
      }
    }
  }

  /** Forgets everything, failing every queued frame with `error`. */
  clear(error: Error): void {
    const entries = [...this.entries];
    this.entries.clear();
    for (const [, entry] of entries) this.reject(entry, error);
  }

  /** Evicts the oldest entry when the cache is full; a pending one fails as unanswered. */
  private makeRoom(): void {
    if (this.entries.size < this.settings.maxEntries) return;
    const [address, entry] = this.entries.entries().next().value!;
    this.entries.delete(address);
    if (entry.mac === undefined) this.fail(address, entry, new ArpResolutionError(address, entry.attempts));
  }

  private fail(address: Ipv4Address, entry: ArpEntry, error: ArpResolutionError): void {
    this.effects.failed(address);
    this.reject(entry, error);
  }

  private reject(entry: ArpEntry, error: Error): void {
    if (entry.queue.length === 0) return;
    this.effects.dropped('unresolved', entry.queue.length);
    for (const { pending } of entry.queue) pending?.reject(error);
  }
}
