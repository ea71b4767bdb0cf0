import { GuestMemory, PAGE_SIZE } from '@tsvisor/hypervisor-core';
import { Channel, type ChannelOptions } from '../channel/channel.js';
import { RingMemory } from '../ring/ring-memory.js';

/** Options of {@link createChannelPair}. */
export interface ChannelPairOptions {
  /** Pages of each ring, control page included. Default 16. */
  readonly ringPages?: number;
  /** Guest memory to place the rings in; default a fresh one just large enough plus 16 pages of RAM. */
  readonly memory?: GuestMemory;
  /** First page of the rings in that memory. Default 0. */
  readonly firstPfn?: number;
  /** Options for the host (`host`) and guest (`guest`) channels beyond the wiring. */
  readonly host?: Partial<Omit<ChannelOptions, 'outgoing' | 'incoming' | 'signalPeer'>>;
  readonly guest?: Partial<Omit<ChannelOptions, 'outgoing' | 'incoming' | 'signalPeer'>>;
}

/** Two connected channels over real rings in one thread; see {@link createChannelPair}. */
export interface ChannelPair {
  readonly memory: GuestMemory;
  /** The host end (reads the guest → host ring). */
  readonly host: Channel;
  /** The guest end. */
  readonly guest: Channel;
  /** The two rings: guest → host first, as in a channel's GPADL (PROTOCOLS.md §1). */
  readonly upstream: RingMemory;
  readonly downstream: RingMemory;
}

/**
 * A host channel and a guest channel connected over two real rings laid out in guest memory
 * as a VMBus channel's GPADL lays them out, in this thread. A signal is delivered the way an
 * interrupt is: later (`setImmediate`), never inside the signalling call. For tests of device
 * protocols and of the channel itself.
 *
 * ```ts
 * const { host, guest } = createChannelPair();
 * host.packets$.subscribe((p) => host.complete(p, p.payload()));
 * const answer = await firstValueFrom(guest.request({ payload: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) }));
 * ```
 */
export function createChannelPair(options: ChannelPairOptions = {}): ChannelPair {
  const ringPages = options.ringPages ?? 16;
  const memory = options.memory ?? new GuestMemory((2 * ringPages + 16) * PAGE_SIZE);
  const base = (options.firstPfn ?? 0) * PAGE_SIZE;
  const upstream = new RingMemory(memory.buffer, base, ringPages * PAGE_SIZE);
  const downstream = new RingMemory(memory.buffer, base + ringPages * PAGE_SIZE, ringPages * PAGE_SIZE);
  const deliver = (target: () => Channel) => () => {
    setImmediate(() => target().interrupt());
  };
  const host: Channel = new Channel({
    name: 'host',
    schedule: setImmediate,
    memory,
    ...options.host,
    outgoing: downstream,
    incoming: upstream,
    signalPeer: deliver(() => guest),
  });
  const guest: Channel = new Channel({
    name: 'guest',
    memory,
    ...options.guest,
    outgoing: upstream,
    incoming: downstream,
    signalPeer: deliver(() => host),
  });
  return { memory, host, guest, upstream, downstream };
}
