import type { Channel } from '@tsvisor/vmbus';
import type { ChannelStatus } from '@tsvisor/vmbus';
import { ChannelVsp } from './channel-vsp.js';

/**
 * The simple VSP style (DESIGN §5): one channel and a `run` loop per open. `run` gets the
 * channel and a signal that aborts when the channel closes, is revoked or faults; whatever it
 * throws is counted and ends only that run (the guest may open the channel again).
 *
 * ```ts
 * class EchoVsp extends SimpleVsp<EchoConfig> {
 *   protected async run(channel: Channel, signal: AbortSignal): Promise<void> {
 *     channel.packets$.subscribe((p) => channel.complete(p, p.payload()));
 *     await new Promise((resolve) => signal.addEventListener('abort', resolve));
 *   }
 * }
 * ```
 */
export abstract class SimpleVsp<Config> extends ChannelVsp<Config> {
  private readonly runs = new Map<Channel, AbortController>();
  private readonly running = new Set<Promise<void>>();
  /** Runs that ended with an exception. */
  protected runFailures = 0;

  protected abstract run(channel: Channel, signal: AbortSignal): Promise<void>;

  protected override onOpen(channel: Channel): void {
    const controller = new AbortController();
    this.runs.set(channel, controller);
    const done = this.run(channel, controller.signal).then(
      () => undefined,
      () => void this.runFailures++,
    );
    this.running.add(done);
    void done.finally(() => this.running.delete(done));
  }

  protected override onClose(channel: Channel, _subChannelIndex: number, _status: ChannelStatus): void {
    this.runs.get(channel)?.abort();
    this.runs.delete(channel);
  }

  protected override async onStop(): Promise<void> {
    for (const controller of this.runs.values()) controller.abort();
    this.runs.clear();
    await Promise.all(this.running);
  }
}
