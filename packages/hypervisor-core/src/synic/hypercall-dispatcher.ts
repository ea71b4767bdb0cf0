import { Subject, type Observable } from 'rxjs';
import {
  GrantKind,
  Header,
  MAX_PORTS,
  PartitionControlBlock,
  QUEUE_SLOTS,
  QueueSlot,
  VpWord,
} from './partition-control-block.js';
import type { EventHandler, HostPort, MessageHandler } from './host-port.js';
import type { SynicController } from './synic-controller.js';
import { SYNIC_MAX_PAYLOAD, SYNIC_MESSAGE_SIZE } from './synic-layout.js';

/** A host handler threw while serving a port. The guest is not blamed; the port stays open. */
export interface PortHandlerError {
  readonly connectionId: number;
  readonly error: unknown;
}

interface PortEntry {
  readonly connectionId: number;
  readonly kind: GrantKind;
  readonly onMessage: MessageHandler | undefined;
  readonly onEvent: EventHandler | undefined;
}

/**
 * The host end of one partition's hypercalls: keeps the grant table of connection ids,
 * waits on the control block's doorbell with `Atomics.waitAsync` (never blocking the event
 * loop), and drains the VPs' PostMessage queues, SignalEvent flags and EOMs into the
 * handlers. Everything the VPs wrote is re-validated here.
 */
export class HypercallDispatcher {
  private readonly ports: (PortEntry | undefined)[] = [];
  /** Grant slot by connection id, one map per kind. */
  private readonly messageSlots = new Map<number, number>();
  private readonly eventSlots = new Map<number, number>();
  private readonly slotViews: Uint8Array[][];
  private readonly handlerErrors = new Subject<PortHandlerError>();
  private running = false;
  private refusedAtHost = 0;

  /** Errors thrown by host port handlers. */
  readonly handlerErrors$: Observable<PortHandlerError> = this.handlerErrors.asObservable();

  constructor(
    private readonly block: PartitionControlBlock,
    private readonly synic: SynicController,
  ) {
    this.slotViews = Array.from({ length: block.vpCount }, (_, vp) =>
      Array.from(
        { length: QUEUE_SLOTS },
        (_, slot) =>
          new Uint8Array(
            block.buffer,
            PartitionControlBlock.queueSlotOffset(vp, slot) + QueueSlot.payload,
            SYNIC_MESSAGE_SIZE - QueueSlot.payload,
          ),
      ),
    );
  }

  /** Messages the host itself refused (a grant revoked while the message was queued). */
  get messagesRefusedByHost(): number {
    return this.refusedAtHost;
  }

  /** Grants `connectionId` to the partition for PostMessage, delivered to `onMessage`. */
  openMessagePort(connectionId: number, onMessage: MessageHandler): HostPort {
    return this.open(connectionId, GrantKind.Message, onMessage, undefined);
  }

  /** Grants `connectionId` to the partition for SignalEvent, delivered to `onEvent`. */
  openEventPort(connectionId: number, onEvent: EventHandler): HostPort {
    return this.open(connectionId, GrantKind.Event, undefined, onEvent);
  }

  /** Starts draining; idempotent. */
  start(): void {
    if (this.running) return;
    this.running = true;
    void this.loop();
  }

  /**
   * Delivers, now, whatever the VPs have posted and signalled so far: the partition calls it once
   * its VPs have halted, so that what a guest sent just before halting reaches the host before
   * the partition is reported off.
   */
  flush(): void {
    while (this.drain());
  }

  /** Stops draining and revokes every grant. */
  close(): void {
    for (const port of this.ports) if (port) this.revoke(port.connectionId, port.kind);
    this.running = false;
    const words = this.block.words;
    Atomics.add(words, Header.doorbell, 1);
    Atomics.notify(words, Header.doorbell);
    this.handlerErrors.complete();
  }

  private open(connectionId: number, kind: GrantKind, onMessage: MessageHandler | undefined, onEvent: EventHandler | undefined): HostPort {
    if (!Number.isInteger(connectionId) || connectionId < 0 || connectionId > 0xffffffff) {
      throw new RangeError(`connection id must be a u32, got ${connectionId}`);
    }
    const slots = this.slotsOf(kind);
    if (slots.has(connectionId)) throw new Error(`connection id ${connectionId} is already granted to this partition`);
    let slot = this.ports.findIndex((port) => port === undefined);
    if (slot < 0) slot = this.ports.length;
    if (slot >= MAX_PORTS) throw new RangeError(`a partition has at most ${MAX_PORTS} ports`);
    this.ports[slot] = { connectionId, kind, onMessage, onEvent };
    slots.set(connectionId, slot);
    const words = this.block.words;
    const word = PartitionControlBlock.grantWord(slot);
    words[word] = connectionId | 0;
    Atomics.store(words, word + 1, kind);
    if (Atomics.load(words, Header.grantHighWater) <= slot) Atomics.store(words, Header.grantHighWater, slot + 1);
    return {
      connectionId,
      kind: kind === GrantKind.Message ? 'message' : 'event',
      close: () => this.revoke(connectionId, kind),
    };
  }

  private revoke(connectionId: number, kind: GrantKind): void {
    const slots = this.slotsOf(kind);
    const slot = slots.get(connectionId);
    if (slot === undefined) return;
    slots.delete(connectionId);
    this.ports[slot] = undefined;
    Atomics.store(this.block.words, PartitionControlBlock.grantWord(slot) + 1, GrantKind.Free);
  }

  private slotsOf(kind: GrantKind): Map<number, number> {
    return kind === GrantKind.Message ? this.messageSlots : this.eventSlots;
  }

  private async loop(): Promise<void> {
    const words = this.block.words;
    while (this.running) {
      Atomics.store(words, Header.hostWaiting, 0);
      this.drain();
      const doorbell = Atomics.load(words, Header.doorbell);
      Atomics.store(words, Header.hostWaiting, 1);
      // Re-check after announcing the wait: a producer that saw hostWaiting = 0 did not ring.
      if (this.drain()) continue;
      const wait = Atomics.waitAsync(words, Header.doorbell, doorbell);
      if (wait.async) await wait.value;
    }
  }

  /** One pass over every queue and flag; true if anything was found. */
  private drain(): boolean {
    let found = false;
    const words = this.block.words;
    for (let vp = 0; vp < this.block.vpCount; vp++) {
      const headWord = PartitionControlBlock.vpWord(vp, VpWord.queueHead);
      const tail = Atomics.load(words, PartitionControlBlock.vpWord(vp, VpWord.queueTail));
      let head = words[headWord]!;
      if (head !== tail) found = true;
      const views = this.slotViews[vp]!;
      while (head !== tail) {
        const slot = head & (QUEUE_SLOTS - 1);
        const base = PartitionControlBlock.queueSlotOffset(vp, slot) >>> 2;
        this.deliverMessage(words[base]! >>> 0, words[base + 1]! >>> 0, words[base + 2]! >>> 0, views[slot]!, vp);
        head = (head + 1) | 0;
        Atomics.store(words, headWord, head);
      }
      if (Atomics.exchange(words, PartitionControlBlock.vpWord(vp, VpWord.eomRequest), 0) !== 0) {
        found = true;
        this.synic.deliverPending(vp);
      }
    }
    const highWater = Atomics.load(words, Header.grantHighWater);
    for (let w = 0, n = (highWater + 31) >>> 5; w < n; w++) {
      let bits = Atomics.exchange(words, PartitionControlBlock.eventBase + w, 0);
      if (bits === 0) continue;
      found = true;
      while (bits !== 0) {
        const bit = 31 - Math.clz32(bits & -bits);
        bits &= bits - 1;
        const port = this.ports[w * 32 + bit];
        if (port?.onEvent) this.deliverEvent(port, port.onEvent);
      }
    }
    return found;
  }

  private deliverMessage(connectionId: number, messageType: number, payloadSize: number, payload: Uint8Array, vp: number): void {
    const slot = this.messageSlots.get(connectionId);
    const port = slot === undefined ? undefined : this.ports[slot];
    if (!port?.onMessage || payloadSize > SYNIC_MAX_PAYLOAD) {
      this.refusedAtHost++;
      return;
    }
    try {
      port.onMessage(messageType, payload, payloadSize, vp);
    } catch (error) {
      this.handlerErrors.next({ connectionId, error });
    }
  }

  private deliverEvent(port: PortEntry, onEvent: EventHandler): void {
    try {
      onEvent();
    } catch (error) {
      this.handlerErrors.next({ connectionId: port.connectionId, error });
    }
  }
}
