import { Hypervisor, type Partition } from '@tsvisor/hypervisor-core';
import { firstValueFrom, timeout } from 'rxjs';
import type { Channel } from '../channel/channel.js';
import { HostVmbus, type HostChannelOffer, type HostOfferSpec, type HostVmbusOptions } from '../host/host-vmbus.js';

/** Options of {@link startVmbusPartition}. */
export interface VmbusPartitionOptions {
  /** Path of the guest entry module (it runs `GuestVmbus` itself). */
  readonly guest: string;
  /** Device channels to offer before the guest boots. */
  readonly offers: readonly HostOfferSpec[];
  /** Guest memory; default 4 MiB. */
  readonly memoryBytes?: number;
  /** Share a hypervisor between partitions; default a fresh one, shut down by `stop`. */
  readonly hypervisor?: Hypervisor;
  readonly name?: string;
  /** Options of the host side of VMBus (versions the host accepts). */
  readonly vmbus?: HostVmbusOptions;
  /** Runs after the partition is created and before it starts: grant extra ports here. */
  readonly beforeStart?: (partition: Partition) => void;
}

/** A running partition with VMBus; see {@link startVmbusPartition}. */
export interface VmbusPartition {
  readonly hypervisor: Hypervisor;
  readonly partition: Partition;
  readonly vmbus: HostVmbus;
  /** The offers, in the order given. */
  readonly offers: readonly HostChannelOffer[];
  /** The host end of offer `index` once the guest opens it (rejects after `timeoutMs`, default 10 s). */
  channel(index: number, timeoutMs?: number): Promise<Channel>;
  /** Stops and destroys the partition (and the hypervisor if this helper made it). */
  stop(): Promise<void>;
}

/**
 * Boots a real partition whose guest program runs the guest side of VMBus in its VP, with the
 * host side ({@link HostVmbus}) offering `offers`. For tests that need the real thing: guest
 * code in a worker thread, hypercalls, SynIC interrupts, rings in guest memory.
 *
 * ```ts
 * const vm = await startVmbusPartition({ guest: echoGuestPath, offers: [{ interfaceType, interfaceInstance }] });
 * const channel = await vm.channel(0);
 * const answer = await firstValueFrom(channel.request({ payload }));
 * await vm.stop();
 * ```
 */
export async function startVmbusPartition(options: VmbusPartitionOptions): Promise<VmbusPartition> {
  const hypervisor = options.hypervisor ?? new Hypervisor();
  const partition = hypervisor.createPartition({
    name: options.name ?? 'vmbus-test',
    memoryBytes: options.memoryBytes ?? 4 * 1024 * 1024,
    guest: { entry: options.guest },
  });
  const vmbus = new HostVmbus(partition, options.vmbus);
  const offers = options.offers.map((spec) => vmbus.offer(spec));
  options.beforeStart?.(partition);
  const stop = async (): Promise<void> => {
    vmbus.close();
    if (partition.state === 'running' || partition.state === 'paused') await partition.stop();
    await hypervisor.destroyPartition(partition);
    if (!options.hypervisor) await hypervisor.shutdown();
  };
  try {
    await partition.start();
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    hypervisor,
    partition,
    vmbus,
    offers,
    channel: (index, timeoutMs = 10_000) => {
      const offer = offers[index];
      if (!offer) return Promise.reject(new RangeError(`no offer ${index}`));
      if (offer.channel) return Promise.resolve(offer.channel);
      return firstValueFrom(offer.channels$.pipe(timeout(timeoutMs)));
    },
    stop,
  };
}
