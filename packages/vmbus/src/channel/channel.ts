import { ProtocolError } from '@tsvisor/wire';
import { BehaviorSubject, Observable, type Subscriber } from 'rxjs';
import { PACKET_FLAG_COMPLETION_REQUESTED, PacketType } from '../protocol/packet-descriptor.js';
import type { RingMemory } from '../ring/ring-memory.js';
import { RingReader } from '../ring/ring-reader.js';
import { RingWriter } from '../ring/ring-writer.js';
import { ChannelClosedError } from './channel-closed-error.js';
import { ChannelStatus } from './channel-status.js';
import type { Completion, CompletionReceiver, CompletionTarget } from './completion.js';
import { gpaDirectHeaderLength, writeGpaDirectHeader } from './gpa-range-list.js';
import type { GpadlPages } from './gpadl-pages.js';
import { IncomingPacket } from './incoming-packet.js';
import type { OutgoingPacket } from './outgoing-packet.js';
import type { PageMemory } from './page-memory.js';
import { PendingRequests } from './pending-requests.js';
import type { PollPolicy } from './poll-policy.js';
import { transferPageHeaderLength, writeTransferPageHeader } from './transfer-page-list.js';

/** How a channel is wired to its rings and its peer; the transports (host, guest, tests) build these. */
export interface ChannelOptions {
  /** For errors and counters, e.g. `storvsc/0`. */
  readonly name: string;
  /** The ring this side writes. */
  readonly outgoing: RingMemory;
  /** The ring this side reads. */
  readonly incoming: RingMemory;
  /** Raises the peer's interrupt for this channel (a SignalEvent hypercall, or a SynIC event flag). */
  readonly signalPeer: () => void;
  /**
   * Runs a continuation later, after other work had its turn: `setImmediate` on the host. The
   * default (a microtask) suits a guest VP, which has nothing else to serve.
   */
  readonly schedule?: (task: () => void) => void;
  /** Guest memory, for mapping the GPA ranges of received packets. */
  readonly memory?: PageMemory;
  /** Poll mode: spin (adaptively, bounded) before sleeping while I/O is in flight. */
  readonly poll?: PollPolicy;
  /** Largest completion payload this side sends; that much ring space is reserved per request taken. Default 256. */
  readonly maxCompletionSize?: number;
  /** Packets handled before yielding through `schedule`. Default 1024. */
  readonly maxPacketsPerTurn?: number;
  /** Requests awaiting their completion at once. Default 4096. */
  readonly maxPendingRequests?: number;
  /** Sends waiting for ring space at once. Default 4096. */
  readonly maxWaitingSends?: number;
  /** Host side: looks up a GPADL the guest created for this channel's device, by handle. */
  readonly gpadls?: (handle: number) => GpadlPages | undefined;
}

/** Counters of one channel. */
export interface ChannelCounters {
  readonly packetsSent: number;
  readonly packetsReceived: number;
  readonly completionsSent: number;
  readonly completionsReceived: number;
  /** Completions that matched no pending request (late after a cancel, or bogus): dropped. */
  readonly strayCompletions: number;
  /** Signals this side raised: reader wake-ups plus flow-control wake-ups. */
  readonly signalsSent: number;
  readonly interrupts: number;
  /** Times reading stopped because the outgoing ring had no room left for a completion. */
  readonly completionStalls: number;
  readonly pollHits: number;
  readonly pollMisses: number;
  /** Exceptions thrown by `packets$` subscribers (caught; the channel goes on). */
  readonly subscriberErrors: number;
}

interface WaitingSend {
  readonly packet: OutgoingPacket;
  readonly transactionId: number;
  readonly flags: number;
  readonly resolve?: () => void;
  readonly reject?: (error: Error) => void;
}

const RESOLVED = Promise.resolve();
/** {@link Channel.takePackets} stopped: the outgoing ring has no room for another completion. */
const NO_COMPLETION_ROOM = -1;
/** {@link Channel.takePackets} stopped: a data packet waits for a `packets$` subscriber. */
const NO_SUBSCRIBER = -2;
/** Poll mode: drain passes chained as microtasks before one yields to the event loop. */
const MICROTASK_PASSES = 64;
/** Poll mode: passes that answered all they took run one after the other, this many, before a microtask hop. */
const DIRECT_PASSES = 8;
const COMPLETION_OVERHEAD = RingWriter.packetSize(0, 0);
/** An empty payload (shared: it has no bytes to change). */
const NO_HEADER = new Uint8Array(0);

/**
 * One open VMBus channel: a pair of rings and the peer's interrupt (DESIGN §4).
 *
 * - `packets$` (hot, shared) delivers every received data packet; it completes when the channel
 *   closes or is revoked and errors only when the peer breaks the ring protocol on this channel.
 * - `trySend` / `send` append packets (batched; committed once per turn, with one signal when the
 *   ring goes non-empty); `send` waits for room: backpressure.
 * - `request` sends with a fresh transaction id and emits the matching COMPLETION; unsubscribing
 *   cancels (a late completion is dropped). Id 0 is never used and never completed.
 *   `sendRequest` does the same for a {@link CompletionReceiver} the caller keeps: the fast path,
 *   which allocates nothing per request.
 * - Before taking a packet off the incoming ring the channel reserves room for its completion in
 *   the outgoing ring, so `complete` never waits and never queues.
 */
export class Channel {
  readonly name: string;
  private readonly reader: RingReader;
  private readonly writer: RingWriter;
  private readonly packet: IncomingPacket;
  private readonly scratch: Uint8Array;
  private readonly header: Uint8Array;
  private readonly headerView: DataView;
  /** The last header sent, as a view of its exact length (packets in a run share their header's shape). */
  private lastHeader: Uint8Array = NO_HEADER;
  /** `packets$` subscribers. Called directly: a Subject's `next` allocates per call. */
  private readonly receivers: Subscriber<IncomingPacket>[] = [];
  private readonly status = new BehaviorSubject<ChannelStatus>(ChannelStatus.Open);
  private readonly pending: PendingRequests;
  private readonly waiting: WaitingSend[] = [];
  private readonly pagesets = new Map<number, Uint8Array>();
  private readonly schedule: (task: () => void) => void;
  private readonly completionPacketSize: number;
  private readonly maxCompletionSize: number;
  private readonly maxPacketsPerTurn: number;
  private readonly maxPendingRequests: number;
  private readonly maxWaitingSends: number;
  private readonly maxPacketSize: number;
  private readonly commitThreshold: number;
  private readonly poll: PollPolicy | undefined;
  private readonly drainTask = (): void => this.drain();
  private readonly flushTask = (): void => this.flush();
  private owedCompletions = 0;
  private draining = false;
  private flushScheduled = false;
  /** Poll mode: the last pass delivered packets, so more are likely. */
  private active = false;
  /** Consecutive drain passes run as microtasks. */
  private passes = 0;
  /** Consecutive drain passes run without a microtask hop in between. */
  private directPasses = 0;
  /** Poll mode: the last spin ran out while this side awaited the peer (an interrupt then says it was too short). */
  private spunOut = false;
  /** Poll mode: this side sent a completion since it last took a packet: the peer's next request is likely on its way. */
  private answered = false;
  /** Completions of this side's requests delivered in the current drain pass (their handlers may have code to run). */
  private completedThisPass = 0;
  private faultError: ProtocolError | undefined;
  private counts = {
    packetsSent: 0,
    packetsReceived: 0,
    completionsSent: 0,
    completionsReceived: 0,
    strayCompletions: 0,
    interrupts: 0,
    completionStalls: 0,
    subscriberErrors: 0,
  };

  /**
   * Received data packets; see the class notes. Each packet is valid during the callback only.
   * Data packets stay in the ring while nobody subscribes (completions of requests are still
   * taken), so none is lost between opening a channel and subscribing.
   */
  readonly packets$: Observable<IncomingPacket> = new Observable<IncomingPacket>((subscriber) => {
    const status = this.status.value;
    if (status !== ChannelStatus.Open) {
      if (status === ChannelStatus.Faulted) subscriber.error(this.faultError);
      else subscriber.complete();
      return undefined;
    }
    this.receivers.push(subscriber);
    this.schedule(this.drainTask);
    return () => {
      const at = this.receivers.indexOf(subscriber);
      if (at >= 0) this.receivers.splice(at, 1);
    };
  });
  /** The channel's status, starting with `open`. */
  readonly state$: Observable<ChannelStatus> = this.status.asObservable();

  constructor(private readonly options: ChannelOptions) {
    this.name = options.name;
    this.reader = new RingReader(options.incoming, options.signalPeer);
    this.writer = new RingWriter(options.outgoing, options.signalPeer);
    this.packet = new IncomingPacket((id) => this.pagesets.get(id));
    this.scratch = new Uint8Array(options.incoming.size);
    this.maxPacketSize = options.outgoing.size >>> 1;
    this.commitThreshold = options.outgoing.size >>> 3;
    this.header = new Uint8Array(Math.min(this.maxPacketSize, 64 * 1024));
    this.headerView = new DataView(this.header.buffer);
    this.schedule = options.schedule ?? ((task) => void RESOLVED.then(task));
    this.maxCompletionSize = options.maxCompletionSize ?? 256;
    this.completionPacketSize = RingWriter.packetSize(0, this.maxCompletionSize);
    this.maxPacketsPerTurn = options.maxPacketsPerTurn ?? 1024;
    this.maxPendingRequests = options.maxPendingRequests ?? 4096;
    this.pending = new PendingRequests(this.maxPendingRequests);
    this.maxWaitingSends = options.maxWaitingSends ?? 4096;
    this.poll = options.poll;
    if (this.completionPacketSize * 4 > options.outgoing.size) {
      throw new RangeError(`completions of ${this.maxCompletionSize} bytes need a ring of at least ${this.completionPacketSize * 4} bytes`);
    }
  }

  /** The current status. */
  get state(): ChannelStatus {
    return this.status.value;
  }

  /** Requests sent and not yet completed (or cancelled). */
  get pendingRequests(): number {
    return this.pending.size;
  }

  /** Completions this side owes for packets it took. */
  get owed(): number {
    return this.owedCompletions;
  }

  /** A snapshot of the counters. */
  counters(): ChannelCounters {
    return {
      ...this.counts,
      signalsSent: this.writer.signals + this.reader.signals,
      pollHits: this.poll?.hits ?? 0,
      pollMisses: this.poll?.misses ?? 0,
    };
  }

  /**
   * Appends a packet if the outgoing ring has room now (keeping room reserved for completions);
   * returns false otherwise, and the peer will interrupt when room frees. Never allocates.
   * Throws {@link ChannelClosedError} when the channel is not open, or when this send found the
   * peer's ring control words broken (the channel is then faulted).
   */
  trySend(packet: OutgoingPacket): boolean {
    this.assertOpen();
    if (this.waiting.length !== 0) return false; // keep order behind waiting sends
    try {
      if (!this.append(packet, 0, 0)) return false;
    } catch (error) {
      throw this.faultFrom(error);
    }
    this.scheduleFlush();
    return true;
  }

  /** Sends a packet, waiting for room (backpressure). Resolves once it is in the ring. */
  send(packet: OutgoingPacket): Promise<void> {
    if (this.state !== ChannelStatus.Open) return Promise.reject(new ChannelClosedError(this.name, this.state));
    if (this.trySend(packet)) return RESOLVED;
    if (this.waiting.length >= this.maxWaitingSends) {
      return Promise.reject(new RangeError(`channel ${this.name}: ${this.maxWaitingSends} sends already wait for room`));
    }
    return new Promise<void>((resolve, reject) => {
      this.waiting.push({ packet, transactionId: 0, flags: 0, resolve, reject });
    });
  }

  /**
   * A cold observable: on subscription sends `packet` with a fresh transaction id and the
   * completion-requested flag, then emits the peer's COMPLETION once and completes. Unsubscribing
   * before then cancels (the id is forgotten; a late completion is dropped as stray). Errors with
   * {@link ChannelClosedError} if the channel ends first.
   */
  request(packet: OutgoingPacket): Observable<Completion> {
    return new Observable<Completion>((subscriber) => {
      const receiver = new SubscriberReceiver(subscriber);
      let id: number;
      try {
        id = this.sendRequest(packet, receiver);
      } catch (error) {
        subscriber.error(error);
        return undefined;
      }
      return () => this.forgetRequest(id, receiver);
    });
  }

  /**
   * Sends `packet` with a fresh transaction id and the completion-requested flag, and calls
   * `receiver` with the peer's COMPLETION (or when the channel ends first). The packet goes into the
   * ring now, or, when the ring is full, waits behind earlier sends (the only case that allocates).
   * Returns the transaction id, which {@link Channel.forgetRequest} takes.
   *
   * @throws {@link ChannelClosedError} when the channel is not open, or this send found the peer's
   * ring control words broken (the channel is then faulted); RangeError when `maxPendingRequests`
   * requests are pending or `maxWaitingSends` sends wait for room.
   */
  sendRequest(packet: OutgoingPacket, receiver: CompletionReceiver): number {
    this.assertOpen();
    if (this.pending.size >= this.maxPendingRequests) throw new RangeError(`channel ${this.name}: ${this.maxPendingRequests} requests already pending`);
    const id = this.pending.add(receiver);
    let sent: boolean;
    try {
      sent = this.waiting.length === 0 && this.append(packet, id, PACKET_FLAG_COMPLETION_REQUESTED);
      // Poll mode trades batching for latency: the request goes out now.
      if (sent && this.poll) this.writer.commit();
    } catch (error) {
      this.pending.delete(id);
      throw this.faultFrom(error);
    }
    if (sent) {
      this.scheduleFlush();
    } else {
      if (this.waiting.length >= this.maxWaitingSends) {
        this.pending.delete(id);
        throw new RangeError(`channel ${this.name}: ${this.maxWaitingSends} sends already wait for room`);
      }
      this.waiting.push({ packet, transactionId: id, flags: PACKET_FLAG_COMPLETION_REQUESTED });
    }
    return id;
  }

  /**
   * Cancels the request `transactionId` sent with `receiver`: it leaves the send queue if it still
   * waits for room, and its completion, if one comes, is dropped as stray. Returns whether it was
   * pending.
   */
  forgetRequest(transactionId: number, receiver: CompletionReceiver): boolean {
    if (this.pending.get(transactionId) !== receiver) return false;
    this.pending.delete(transactionId);
    const waiting = this.waiting;
    for (let i = 0; i < waiting.length; i++) {
      if (waiting[i]!.transactionId === transactionId) {
        waiting.splice(i, 1);
        break;
      }
    }
    return true;
  }

  /**
   * Sends the COMPLETION for a packet this side took with completion requested, into the room
   * reserved for it: it never waits. Returns false (and sends nothing) for transaction id 0,
   * which is never completed, or when no completion is owed. Throws RangeError for a payload above
   * `maxCompletionSize`.
   */
  complete(target: CompletionTarget, payload: Uint8Array = NO_HEADER, offset = 0, length = payload.length - offset): boolean {
    if (this.state !== ChannelStatus.Open) return false;
    if ((target.transactionIdLow | target.transactionIdHigh) === 0 || this.owedCompletions === 0) return false;
    if (length > this.maxCompletionSize) throw new RangeError(`completion of ${length} bytes exceeds maxCompletionSize ${this.maxCompletionSize}`);
    this.owedCompletions--;
    let ok: boolean;
    try {
      ok = this.writer.tryAppend(
        PacketType.COMPLETION,
        0,
        target.transactionIdLow,
        target.transactionIdHigh,
        undefined,
        payload,
        offset,
        length,
        this.owedCompletions * this.completionPacketSize,
      );
      if (ok && this.poll) {
        // Poll mode publishes at once, the peer being likely to spin for it; a completion made
        // while a drain pass runs goes out with the others of the pass, at its end.
        if (!this.draining) this.writer.commit();
        this.answered = true;
      }
    } catch (error) {
      this.faultFrom(error);
      return false;
    }
    if (!ok) throw new Error(`channel ${this.name}: the room reserved for a completion is gone`);
    this.counts.completionsSent++;
    this.scheduleFlush();
    return true;
  }

  /**
   * Registers a page set the peer may point into with transfer-page packets (for netvsc, the
   * receive buffer this side shared); replaces one with the same id.
   */
  registerTransferPageSet(pagesetId: number, pages: Uint8Array): void {
    if (!(pagesetId >= 0 && pagesetId <= 0xffff)) throw new RangeError(`page set id ${pagesetId} is not a u16`);
    this.pagesets.set(pagesetId, pages);
  }

  /**
   * The GPADL with this handle that the guest created for this channel's device (host side), or
   * undefined if there is none — never one of another device, and none once torn down.
   */
  gpadl(handle: number): GpadlPages | undefined {
    return this.options.gpadls?.(handle);
  }

  /** Guest memory for GPA-direct views, if this side may map it. */
  get memory(): PageMemory | undefined {
    return this.options.memory;
  }

  /** The peer raised this channel's interrupt: drain the incoming ring and resume waiting sends. */
  interrupt(): void {
    this.counts.interrupts++;
    if (this.spunOut) {
      this.spunOut = false;
      this.poll!.late();
    }
    this.drain();
  }

  /** Publishes appended packets now (normally done once per turn by itself). */
  flush(): void {
    this.flushScheduled = false;
    if (this.state !== ChannelStatus.Open || this.draining) return;
    try {
      this.writer.commit();
    } catch (error) {
      this.failWith(error);
      return;
    }
    // Poll mode: a request is in flight, so wait for its answer by spinning rather than sleeping;
    // or a completion just went out, so the peer's next request is likely on its way.
    if (this.poll && (this.pending.size !== 0 || this.answered)) this.drain();
  }

  /** Closes this side: `packets$` completes, waiting sends and pending requests fail. Idempotent. */
  close(): void {
    this.end(ChannelStatus.Closed);
  }

  /** The host withdrew the device: like {@link Channel.close}, with status `revoked`. */
  revoke(): void {
    this.end(ChannelStatus.Revoked);
  }

  private assertOpen(): void {
    if (this.status.value !== ChannelStatus.Open) throw new ChannelClosedError(this.name, this.status.value);
  }

  private append(packet: OutgoingPacket, transactionId: number, flags: number): boolean {
    const payload = packet.payload;
    const offset = packet.offset ?? 0;
    const length = packet.length ?? payload.length - offset;
    let type: number = PacketType.DATA_INBAND;
    let headerLength = 0;
    if (packet.gpaRanges) {
      type = PacketType.DATA_USING_GPA_DIRECT;
      if (gpaDirectHeaderLength(packet.gpaRanges) > this.header.length) throw new RangeError('GPA ranges exceed the largest packet');
      headerLength = writeGpaDirectHeader(this.headerView, 0, packet.gpaRanges);
    } else if (packet.transferPages) {
      type = PacketType.DATA_USING_TRANSFER_PAGES;
      if (transferPageHeaderLength(packet.transferPages.ranges.length) > this.header.length) throw new RangeError('transfer-page ranges exceed the largest packet');
      headerLength = writeTransferPageHeader(this.headerView, 0, packet.transferPages.pagesetId, packet.transferPages.ranges);
    }
    if (RingWriter.packetSize(headerLength, length) > this.maxPacketSize) {
      throw new RangeError(`a packet of ${length} bytes exceeds the largest this ring carries (${this.maxPacketSize - COMPLETION_OVERHEAD})`);
    }
    const ok = this.writer.tryAppend(
      type,
      flags,
      transactionId,
      0,
      headerLength === 0 ? undefined : this.headerOf(headerLength),
      payload,
      offset,
      length,
      this.owedCompletions * this.completionPacketSize,
      headerLength,
    );
    if (!ok) return false;
    this.counts.packetsSent++;
    // A big batch is published at once, so that the reader works while the writer goes on.
    if (this.writer.uncommittedBytes() >= this.commitThreshold) this.writer.commit();
    return true;
  }

  /** The first `length` bytes of the header scratch, without a new view when the last header had that length. */
  private headerOf(length: number): Uint8Array {
    if (this.lastHeader.length !== length) this.lastHeader = this.header.subarray(0, length);
    return this.lastHeader;
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.draining) return;
    this.flushScheduled = true;
    void RESOLVED.then(this.flushTask);
  }

  /** Sends what waited for room, in order; returns whether the queue emptied. */
  private pumpWaiting(): void {
    const waiting = this.waiting;
    let sent = 0;
    while (sent < waiting.length) {
      const entry = waiting[sent]!;
      if (!this.append(entry.packet, entry.transactionId, entry.flags)) break;
      sent++;
    }
    if (sent === 0) return;
    const done = waiting.splice(0, sent);
    for (const entry of done) entry.resolve?.();
  }

  private drain(): void {
    if (this.draining || this.status.value !== ChannelStatus.Open) return;
    this.draining = true;
    const reader = this.reader;
    try {
      reader.beginDrain();
      for (;;) {
        if (this.waiting.length !== 0) this.pumpWaiting();
        this.completedThisPass = 0;
        this.packet.batch = (this.packet.batch + 1) | 0;
        const taken = this.takePackets();
        reader.commit();
        this.writer.commit();
        if (this.status.value !== ChannelStatus.Open) return;
        if (taken === NO_COMPLETION_ROOM) {
          // No room for another completion: stop reading until the peer frees our outgoing ring
          // (hasRoomFor asked it to signal). The incoming ring stays as it is: the peer stalls.
          this.counts.completionStalls++;
          this.sleep();
          return;
        }
        if (taken === NO_SUBSCRIBER) {
          // The next data packet waits for a packets$ subscriber, which drains again on arrival.
          this.sleep();
          return;
        }
        if (taken >= this.maxPacketsPerTurn) {
          this.draining = false;
          this.schedule(this.drainTask);
          return;
        }
        if (this.poll) {
          if (taken > 0) {
            this.active = true;
            // Everything taken was answered, and no answer to this side's requests came: no code
            // waits to run, so spin on at once, a few passes in a row (other microtasks of this
            // thread wait meanwhile).
            if (this.owedCompletions === 0 && this.completedThisPass === 0 && ++this.directPasses < DIRECT_PASSES && ++this.passes < MICROTASK_PASSES) {
              continue;
            }
            // Let the code that just got packets run (it may answer), then come back and spin,
            // still masked. Every so often yield to the event loop instead of a microtask.
            this.directPasses = 0;
            this.draining = false;
            if (++this.passes < MICROTASK_PASSES) void RESOLVED.then(this.drainTask);
            else {
              this.passes = 0;
              this.schedule(this.drainTask);
            }
            return;
          }
          // Spin for answers to this side's requests, or for the peer's next packet when this side
          // owes nothing; while it owes completions, the code that makes them needs this thread
          // (its event loop), and the peer waits for them: sleep instead.
          const awaiting = this.pending.size !== 0 || this.waiting.length !== 0;
          if ((awaiting || ((this.answered || this.active) && this.owedCompletions === 0)) && this.spin(awaiting)) continue;
          this.answered = false;
          this.active = false;
        }
        if (!this.sleep()) return;
        reader.beginDrain();
      }
    } catch (error) {
      this.failWith(error);
    } finally {
      this.draining = false;
    }
  }

  /** Unmasks the peer's signals before going idle; returns true if data came meanwhile (keep draining). */
  private sleep(): boolean {
    this.passes = 0;
    this.directPasses = 0;
    return this.reader.endDrain();
  }

  /**
   * Takes up to a turn's worth of packets; returns the count, or {@link NO_COMPLETION_ROOM} /
   * {@link NO_SUBSCRIBER} when it stopped early for that reason.
   */
  private takePackets(): number {
    const reader = this.reader;
    const writer = this.writer;
    const packet = this.packet;
    const scratch = this.scratch;
    const limit = this.maxPacketsPerTurn;
    let taken = 0;
    while (taken < limit) {
      if (!writer.hasRoomFor((this.owedCompletions + 1) * this.completionPacketSize)) return NO_COMPLETION_ROOM;
      if (!reader.next(packet, scratch)) break;
      if (packet.type === PacketType.COMPLETION) {
        taken++;
        this.completeRequest(packet);
        continue;
      }
      const receivers = this.receivers;
      if (receivers.length === 0) {
        reader.unread();
        return taken === 0 ? NO_SUBSCRIBER : taken;
      }
      taken++;
      this.counts.packetsReceived++;
      this.answered = false;
      if ((packet.flags & PACKET_FLAG_COMPLETION_REQUESTED) !== 0 && (packet.transactionIdLow | packet.transactionIdHigh) !== 0) {
        this.owedCompletions++;
      }
      try {
        if (receivers.length === 1) receivers[0]!.next(packet);
        else for (const receiver of receivers.slice()) receiver.next(packet);
      } catch {
        this.counts.subscriberErrors++;
      }
      if (this.status.value !== ChannelStatus.Open) break;
    }
    return taken;
  }

  private completeRequest(packet: IncomingPacket): void {
    const receiver = packet.transactionIdHigh === 0 ? this.pending.delete(packet.transactionIdLow) : undefined;
    if (!receiver) {
      this.counts.strayCompletions++;
      return;
    }
    this.counts.completionsReceived++;
    this.completedThisPass++;
    try {
      receiver.completed(packet);
    } catch {
      this.counts.subscriberErrors++;
    }
  }

  /**
   * Spins on the incoming ring within the poll budget; returns whether data (or room for waiting
   * sends) came. `awaiting`: this side's requests or sends await the peer, so a spin that runs out
   * keeps the budget (and the answer coming by interrupt later grows it); any other spin is a
   * guess, whose misses shrink the budget.
   */
  private spin(awaiting: boolean): boolean {
    const poll = this.poll!;
    const reader = this.reader;
    const spins = poll.spins;
    for (let i = 1; i <= spins; i++) {
      if (reader.available() !== 0) {
        poll.hit();
        this.spunOut = false;
        return true;
      }
      // Publish what was read if the writer is waiting for room (the commit is lazy otherwise).
      if ((i & 255) === 0) reader.commit();
    }
    poll.miss(awaiting);
    this.spunOut = awaiting;
    return false;
  }

  /**
   * The peer broke the protocol under a send (a hostile read index): faults the channel and
   * returns the ChannelClosedError to give the caller. Any other error is a bug: rethrown.
   */
  private faultFrom(error: unknown): ChannelClosedError {
    if (!(error instanceof ProtocolError)) throw error;
    this.end(ChannelStatus.Faulted, error);
    return new ChannelClosedError(this.name, ChannelStatus.Faulted, { cause: error });
  }

  private failWith(error: unknown): void {
    if (error instanceof ProtocolError) {
      this.end(ChannelStatus.Faulted, error);
      return;
    }
    throw error;
  }

  private end(status: ChannelStatus, error?: ProtocolError): void {
    if (this.status.value !== ChannelStatus.Open) return;
    this.status.next(status);
    const closed = new ChannelClosedError(this.name, status, error ? { cause: error } : undefined);
    for (const entry of this.waiting.splice(0)) entry.reject?.(closed);
    for (const receiver of this.pending.clear()) {
      try {
        receiver.abandoned(closed);
      } catch {
        this.counts.subscriberErrors++;
      }
    }
    this.faultError = error;
    for (const receiver of this.receivers.splice(0)) {
      if (error) receiver.error(error);
      else receiver.complete();
    }
    this.status.complete();
  }
}

/** A {@link Channel.request} subscriber as a {@link CompletionReceiver}: the completion is copied out. */
class SubscriberReceiver implements CompletionReceiver {
  constructor(private readonly subscriber: Subscriber<Completion>) {}

  completed(packet: IncomingPacket): void {
    const payload = packet.payloadLength === 0 ? NO_HEADER : packet.bytes.slice(packet.payloadOffset, packet.start + packet.length);
    this.subscriber.next({ transactionId: packet.transactionIdLow, payload });
    this.subscriber.complete();
  }

  abandoned(error: ChannelClosedError): void {
    this.subscriber.error(error);
  }
}
