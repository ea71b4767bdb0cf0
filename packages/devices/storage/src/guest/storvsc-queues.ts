import type { PageMemory } from '@tsvisor/device-sdk';
import type { SrbData, SrbResult, StorvscChannel, StorvscProperties } from './storvsc-channel.js';

/**
 * SCSI requests one storvsc channel carries at once: as many as a storage VSP serves per channel,
 * so that a request waits here, free to take another channel, rather than in a full ring.
 */
export const STORVSC_MAX_IN_FLIGHT = 64;

/**
 * The I/O queues of one controller (multi-queue): its primary channel and the sub-channels opened
 * after the bring-up. Each request goes to the open channel with the fewest requests in flight
 * (the primary on a tie); with every channel at {@link STORVSC_MAX_IN_FLIGHT}, it waits for one to
 * free a slot. A channel that closed or was revoked takes no more; with none open, a request fails
 * the way its channel does.
 */
export class StorvscQueues {
  private readonly channels: StorvscChannel[];
  private readonly waiters: (() => void)[] = [];
  /** A request settled: one waiting request may go. */
  private readonly wakeOne = (): void => {
    if (this.waiters.length !== 0) this.waiters.shift()!();
  };

  constructor(
    /** The primary channel, brought up: its version and properties hold for every queue. */
    readonly primary: StorvscChannel,
    private readonly maxInFlight = STORVSC_MAX_IN_FLIGHT,
  ) {
    this.channels = [primary];
    primary.onRequestDone = this.wakeOne;
  }

  /** Channels requests spread over, the primary included. */
  get count(): number {
    return this.channels.length;
  }

  /** SCSI requests the host answered, per channel: the primary, then the sub-channels as they joined. */
  requestsPerChannel(): number[] {
    return this.channels.map((channel) => channel.requests);
  }

  /** What the host said in QUERY_PROPERTIES. */
  get properties(): StorvscProperties {
    return this.primary.properties;
  }

  /** Guest memory, into which GPA-direct ranges point. */
  get memory(): PageMemory {
    return this.primary.memory;
  }

  /** A sub-channel joins: requests spread over it from now on. */
  add(channel: StorvscChannel): void {
    this.channels.push(channel);
    channel.onRequestDone = this.wakeOne;
    for (const wake of this.waiters.splice(0)) wake();
  }

  /**
   * Executes `cdb` on `lun` with `data` on the least loaded channel.
   * @throws ScsiCommandError - if the command did not succeed; a `ChannelClosedError` if no channel is open.
   */
  async execute(lun: number, cdb: Uint8Array, data?: SrbData): Promise<SrbResult> {
    let channel = this.pick();
    while (channel === undefined) {
      await this.room();
      channel = this.pick();
    }
    return channel.execute(lun, cdb, data);
  }

  /** Resolves when a request settles (and a channel may have room again); see {@link pick}. */
  room(): Promise<void> {
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  /**
   * The open channel with the fewest requests in flight and room for one more; the primary when
   * none is open (its requests then fail the way it does); undefined when every open channel is
   * full: wait for {@link room}.
   */
  pick(): StorvscChannel | undefined {
    let best: StorvscChannel | undefined;
    let anyOpen = false;
    for (const channel of this.channels) {
      if (!channel.isOpen) continue;
      anyOpen = true;
      if (channel.inFlight < this.maxInFlight && (best === undefined || channel.inFlight < best.inFlight)) best = channel;
    }
    return anyOpen ? best : this.primary;
  }
}
