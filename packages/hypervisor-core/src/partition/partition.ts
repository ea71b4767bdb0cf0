import { BehaviorSubject, Subject, type Observable } from 'rxjs';
import type { GuestImageLoader } from '../guest-image/guest-image.js';
import { GuestMemory } from '../memory/guest-memory.js';
import type { EventHandler, HostPort, MessageHandler } from '../synic/host-port.js';
import { HypercallDispatcher, type PortHandlerError } from '../synic/hypercall-dispatcher.js';
import { PartitionControlBlock, VpCounter, VpRunState, VpWord } from '../synic/partition-control-block.js';
import { SynicController } from '../synic/synic-controller.js';
import { PAGE_SIZE, SYNIC_PAGES_PER_VP, synicFirstPfn, vpSynicPages } from '../synic/synic-layout.js';
import { VirtualProcessor, type VpExit, type VpResourceLimits } from '../vp/virtual-processor.js';
import type { VpRuntimeSource } from '../vp/vp-runtime-source.js';
import { InvalidStateError } from './invalid-state-error.js';
import type { PartitionCounters, VpCounters } from './partition-counters.js';
import { DEFAULT_HALT_POLL_US, type PartitionSpec } from './partition-spec.js';
import { canTransition, type PartitionState, type PartitionTransition } from './partition-state.js';

/** A partition that faulted while it was starting. */
export class PartitionFaultError extends Error {
  override readonly name = 'PartitionFaultError';

  constructor(
    readonly partitionName: string,
    readonly reason: string,
  ) {
    super(`partition '${partitionName}' faulted: ${reason}`);
  }
}

/** What a {@link Partition} needs from the {@link Hypervisor} that creates it. */
export interface PartitionEnvironment {
  readonly imageLoader: GuestImageLoader;
  readonly runtime: VpRuntimeSource;
  readonly limits: VpResourceLimits;
}

interface VpTotals {
  activeMs: number;
  elapsedMs: number;
}

/**
 * An isolated guest: its own memory, virtual processors and SynIC, reachable from the
 * host only through the ports it opens. Created by {@link Hypervisor.createPartition}.
 */
export class Partition {
  /** The guest's physical memory. */
  readonly memory: GuestMemory;
  /** Host → guest messages and event flags. */
  readonly synic: SynicController;
  /** Every state change, with a reason for faults and guest-initiated stops. */
  readonly transitions$: Observable<PartitionTransition>;
  /** The current state, replayed to new subscribers; completes when the partition is destroyed. */
  readonly state$: Observable<PartitionState>;
  /** Exceptions thrown by the host's own port handlers. */
  readonly handlerErrors$: Observable<PortHandlerError>;

  private readonly stateSubject = new BehaviorSubject<PartitionState>('created');
  private readonly transitionSubject = new Subject<PartitionTransition>();
  private readonly block: PartitionControlBlock;
  private readonly dispatcher: HypercallDispatcher;
  private readonly vpCount: number;
  private vps: (VirtualProcessor | undefined)[] = [];
  private readonly totals: VpTotals[];
  private halted = 0;
  private lastReason: string | undefined;

  constructor(
    /** Unique among the hypervisor's partitions. */
    readonly id: number,
    readonly spec: PartitionSpec,
    private readonly env: PartitionEnvironment,
  ) {
    this.vpCount = spec.vpCount ?? 1;
    this.memory = new GuestMemory(spec.memoryBytes, this.vpCount * SYNIC_PAGES_PER_VP);
    this.synic = new SynicController(this.memory, this.vpCount);
    this.block = PartitionControlBlock.allocate(this.vpCount);
    this.dispatcher = new HypercallDispatcher(this.block, this.synic);
    this.totals = Array.from({ length: this.vpCount }, () => ({ activeMs: 0, elapsedMs: 0 }));
    this.state$ = this.stateSubject.asObservable();
    this.transitions$ = this.transitionSubject.asObservable();
    this.handlerErrors$ = this.dispatcher.handlerErrors$;
    this.dispatcher.start();
  }

  get name(): string {
    return this.spec.name;
  }

  get state(): PartitionState {
    return this.stateSubject.value;
  }

  /** Why the partition last faulted or stopped by itself, if it did. */
  get reason(): string | undefined {
    return this.lastReason;
  }

  /** Grants `connectionId` to this partition for PostMessage. */
  openMessagePort(connectionId: number, onMessage: MessageHandler): HostPort {
    this.assertNot('destroyed', 'open a port');
    return this.dispatcher.openMessagePort(connectionId, onMessage);
  }

  /** Grants `connectionId` to this partition for SignalEvent. */
  openEventPort(connectionId: number, onEvent: EventHandler): HostPort {
    this.assertNot('destroyed', 'open a port');
    return this.dispatcher.openEventPort(connectionId, onEvent);
  }

  /**
   * Boots the partition: loads the guest image and starts every VP. Resolves when all run
   * (or when a `stop()` cancelled the boot); rejects with {@link PartitionFaultError} if the
   * partition faults before that. From `off`, memory is cleared first, as at power-on.
   */
  start(): Promise<void> {
    if (this.state !== 'created' && this.state !== 'off') throw new InvalidStateError(this.state, 'start', this.name);
    const fresh = this.state === 'created';
    this.transition('starting');
    return this.bootVps(fresh);
  }

  /** Blocks every VP at its next hypercall or interrupt wait. */
  pause(): void {
    this.transition('paused', undefined, 'pause');
    this.setRunState(VpRunState.Paused);
  }

  /** Lets paused VPs go on. */
  resume(): void {
    if (this.state !== 'paused') throw new InvalidStateError(this.state, 'resume', this.name);
    this.setRunState(VpRunState.Running);
    this.transition('running');
  }

  /** Terminates every VP thread (a spinning guest included) and leaves the partition off. */
  async stop(): Promise<void> {
    this.transition('stopping', undefined, 'stop');
    await this.terminateVps();
    this.transition('off');
  }

  /** Snapshot of the partition's counters. */
  counters(): PartitionCounters {
    const now = performance.now();
    const vps: VpCounters[] = [];
    const sums = { messagesSent: 0, signalsSent: 0, messagesRefused: 0, signalsRefused: 0 };
    for (let index = 0; index < this.vpCount; index++) {
      const c = this.block.counters(index);
      const vp = this.vps[index];
      const live = vp?.utilization();
      const total = this.totals[index]!;
      const entry: VpCounters = {
        index,
        running: vp !== undefined,
        activeMs: total.activeMs + (live ? Math.max(0, live.activeMs - c[VpCounter.pausedMs]!) : 0),
        elapsedMs: total.elapsedMs + (live ? live.activeMs + live.idleMs : 0),
        messagesSent: c[VpCounter.messagesSent]!,
        signalsSent: c[VpCounter.signalsSent]!,
        messagesRefused: c[VpCounter.messagesRefused]!,
        signalsRefused: c[VpCounter.signalsRefused]!,
        queueFull: c[VpCounter.queueFull]!,
        badHypercalls: c[VpCounter.badHypercalls]!,
      };
      vps.push(entry);
      sums.messagesSent += entry.messagesSent;
      sums.signalsSent += entry.signalsSent;
      sums.messagesRefused += entry.messagesRefused;
      sums.signalsRefused += entry.signalsRefused;
    }
    return {
      timestamp: now,
      memoryBytes: this.memory.size,
      vps,
      messagesDelivered: this.synic.messagesDelivered,
      messagesDropped: this.synic.messagesDropped,
      ...sums,
      messagesRefused: sums.messagesRefused + this.dispatcher.messagesRefusedByHost,
    };
  }

  /** @internal Called by the hypervisor: releases memory and ports. */
  destroy(): void {
    this.transition('destroyed', undefined, 'destroy');
    this.dispatcher.close();
    this.stateSubject.complete();
    this.transitionSubject.complete();
  }

  private async bootVps(fresh: boolean): Promise<void> {
    try {
      if (!fresh) this.resetForPowerOn();
      const image = await this.env.imageLoader.load(this.spec.guest.entry);
      if (this.state !== 'starting') return;
      this.setRunState(VpRunState.Running);
      this.halted = 0;
      const limits = { ...this.env.limits, ...this.spec.resourceLimits };
      const reservedFirstGpa = synicFirstPfn(this.memory.pageCount, this.vpCount) * PAGE_SIZE;
      const started = await Promise.allSettled(
        Array.from({ length: this.vpCount }, (_, vpIndex) =>
          VirtualProcessor.start({
            partitionName: this.name,
            guestMemory: this.memory.buffer,
            controlBlock: this.block.buffer,
            layout: {
              vpIndex,
              vpCount: this.vpCount,
              memorySize: this.memory.size,
              reservedFirstGpa,
              ...vpSynicPages(this.memory.pageCount, this.vpCount, vpIndex),
              haltPollUs: this.spec.haltPollUs ?? DEFAULT_HALT_POLL_US,
            },
            image,
            limits,
            runtime: this.env.runtime,
            onExit: (exit) => this.onVpExit(vpIndex, exit),
          }),
        ),
      );
      for (const [index, result] of started.entries()) {
        if (result.status === 'fulfilled') this.vps[index] = result.value;
      }
      const failure = started.find((result) => result.status === 'rejected');
      if (failure) throw (failure as PromiseRejectedResult).reason;
      // A stop or a fault may have come while the VPs were booting.
      if (this.state !== 'starting') {
        if (this.state !== 'faulted') await this.terminateVps();
        return;
      }
      this.transition('running');
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      if (this.state === 'starting') this.fault(reason);
      throw new PartitionFaultError(this.name, reason);
    }
  }

  private onVpExit(vpIndex: number, exit: VpExit): void {
    this.retire(vpIndex);
    if (exit.kind === 'fault') {
      this.fault(`VP ${vpIndex}: ${exit.reason}`);
      return;
    }
    if (++this.halted < this.vpCount || (this.state !== 'running' && this.state !== 'paused')) return;
    // Every VP's entry returned: the guest has shut itself down.
    this.transition('stopping', `guest halted (exit code ${exit.code})`);
    void this.terminateVps().then(() => {
      // What the guest posted before it halted reaches the host before the partition is off.
      this.dispatcher.flush();
      this.transition('off');
    });
  }

  private fault(reason: string): void {
    if (!canTransition(this.state, 'faulted')) return;
    this.transition('faulted', reason);
    void this.terminateVps();
  }

  private async terminateVps(): Promise<void> {
    // Wake VPs blocked in a pause so that termination does not wait on them.
    this.setRunState(VpRunState.Stopping);
    const vps = this.vps;
    await Promise.all(
      vps.map(async (vp, index) => {
        if (!vp) return;
        this.retire(index);
        await vp.terminate();
      }),
    );
  }

  /** Folds a VP's time into the totals and forgets its thread. */
  private retire(index: number): void {
    const vp = this.vps[index];
    if (!vp) return;
    const live = vp.utilization();
    const total = this.totals[index]!;
    const counters = this.block.counters(index);
    total.activeMs += Math.max(0, live.activeMs - counters[VpCounter.pausedMs]!);
    total.elapsedMs += live.activeMs + live.idleMs;
    counters[VpCounter.pausedMs] = 0;
    this.vps[index] = undefined;
  }

  private resetForPowerOn(): void {
    this.memory.fill(0, this.memory.size);
    this.synic.reset();
    const words = this.block.words;
    for (let vp = 0; vp < this.vpCount; vp++) {
      for (const word of [VpWord.eomRequest, VpWord.queueHead, VpWord.queueTail]) {
        Atomics.store(words, PartitionControlBlock.vpWord(vp, word), 0);
      }
    }
  }

  private setRunState(state: number): void {
    for (let vp = 0; vp < this.vpCount; vp++) {
      const word = PartitionControlBlock.vpWord(vp, VpWord.runState);
      Atomics.store(this.block.words, word, state);
      Atomics.notify(this.block.words, word);
    }
  }

  private assertNot(state: PartitionState, operation: string): void {
    if (this.state === state) throw new InvalidStateError(this.state, operation, this.name);
  }

  private transition(to: PartitionState, reason?: string, operation: string = to): void {
    const from = this.state;
    if (!canTransition(from, to)) throw new InvalidStateError(from, operation, this.name);
    if (reason !== undefined) this.lastReason = reason;
    this.stateSubject.next(to);
    this.transitionSubject.next(reason === undefined ? { from, to } : { from, to, reason });
  }
}
