import type { VscContext, VscDriver } from '@tsvisor/device-sdk/guest';
import { VSTOR_GUEST_VERSIONS, type VstorVersion } from '../protocol/index.js';
import { storageScsiClass } from '../storage-class.js';
import { IoPagePool } from './io-page-pool.js';
import { StorvscController } from './storvsc-controller.js';

/** Options of {@link StorvscDriver}. */
export interface StorvscDriverOptions {
  /**
   * Guest pages each controller borrows from the guest kernel (`VscContext.allocatePages`) for
   * data not already in guest memory; they also bound the bytes in flight. Default
   * {@link DEFAULT_IO_PAGES} (1 MiB).
   */
  readonly ioPages?: number;
  /** Protocol versions to propose, newest first; default 6.2, 6.0, 5.1, 4.2, 2.0. */
  readonly versions?: readonly VstorVersion[];
  /**
   * Sub-channels (I/O queues besides the primary) to ask each controller's host for, when it
   * offers multi-channel: at most what it allows. 0 keeps to the primary. Default
   * {@link DEFAULT_SUB_CHANNELS}, or none in poll mode: a VP spins on one queue at a time, and
   * with several polled queues each spin holds the others' completions back (at 8 requests in
   * flight and more, throughput fell to a tenth and below; one queue keeps what queue depth 1
   * gives).
   */
  readonly subChannels?: number;
  /**
   * Poll mode on the guest end of each controller's channel (spin briefly for completions before
   * sleeping): for latency at shallow queue depths. Default false.
   */
  readonly poll?: boolean;
}

/** I/O pages per controller by default: 1 MiB, two of the largest default transfers. */
export const DEFAULT_IO_PAGES = 256;

/** Sub-channels asked for by default: four queues in all. */
export const DEFAULT_SUB_CHANNELS = 3;

/**
 * The storvsc driver: binds each synthetic SCSI controller offer, brings its channel up and
 * presents a {@link StorvscController} with a block device per LUN. When the host offers
 * multi-channel, it then asks for sub-channels, which join the controller's I/O queues once open
 * (the bind does not wait for them). Each controller has its own pool of I/O pages, borrowed from
 * the guest kernel and given back when the controller goes.
 */
export class StorvscDriver implements VscDriver<StorvscController> {
  readonly deviceClass = storageScsiClass;
  private readonly pools = new Map<StorvscController, { readonly firstPfn: number; readonly pageCount: number; readonly release: (firstPfn: number, count: number) => void }>();

  constructor(private readonly options: StorvscDriverOptions = {}) {}

  async bind(context: VscContext): Promise<StorvscController> {
    const channel = await context.open(this.options.poll ? { poll: true } : undefined);
    const memory = channel.memory;
    if (!memory) throw new Error('storvsc needs guest memory for its data, and the channel has none');
    const pageCount = this.options.ioPages ?? DEFAULT_IO_PAGES;
    const firstPfn = context.allocatePages(pageCount);
    const controller = new StorvscController(channel, new IoPagePool(memory, firstPfn, pageCount));
    this.pools.set(controller, { firstPfn, pageCount, release: (first, count) => context.releasePages(first, count) });
    try {
      await controller.start(this.options.versions ?? VSTOR_GUEST_VERSIONS);
    } catch (error) {
      this.unbind(controller);
      throw error;
    }
    const subChannels = Math.min(controller.maxSubChannels, this.options.subChannels ?? (this.options.poll ? 0 : DEFAULT_SUB_CHANNELS));
    if (subChannels > 0) controller.openSubChannels(subChannels, (count, request) => context.openSubChannels(count, request));
    return controller;
  }

  /** Gives the controller's I/O pages back (its channel is gone: the host no longer touches them). */
  unbind(controller: StorvscController): void {
    const pool = this.pools.get(controller);
    if (!pool) return;
    this.pools.delete(controller);
    pool.release(pool.firstPfn, pool.pageCount);
  }
}
