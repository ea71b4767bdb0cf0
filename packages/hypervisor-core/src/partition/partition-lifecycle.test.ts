import { afterEach, describe, expect, it } from 'vitest';
import { BundlingGuestImageLoader, type GuestImage, type GuestImageLoader } from '../index.js';
import { Hypervisor, InvalidStateError, PARTITION_TRANSITIONS, type Partition, type PartitionState } from '../index.js';
import { guestPath, reach } from '../test-fixtures/guest-console.js';

/** The real loader behind a gate, so that a test can hold a partition in `starting`. */
class GatedImageLoader implements GuestImageLoader {
  private readonly inner = new BundlingGuestImageLoader();
  private open: (() => void) | undefined;
  private readonly gate = new Promise<void>((resolve) => (this.open = resolve));

  async load(entry: string): Promise<GuestImage> {
    await this.gate;
    return this.inner.load(entry);
  }

  release(): void {
    this.open?.();
  }
}

type Operation = 'start' | 'pause' | 'resume' | 'stop' | 'destroy';
const OPERATIONS: readonly Operation[] = ['start', 'pause', 'resume', 'stop', 'destroy'];
/** Which operations each state allows; all others must raise InvalidStateError. */
const LEGAL: { readonly [S in PartitionState]: readonly Operation[] } = {
  created: ['start', 'destroy'],
  starting: ['stop'],
  running: ['pause', 'stop'],
  paused: ['resume', 'stop'],
  stopping: [],
  off: ['start', 'destroy'],
  faulted: ['stop', 'destroy'],
  destroyed: [],
};

describe('partition lifecycle', () => {
  const hypervisors: Hypervisor[] = [];
  afterEach(async () => {
    for (const hv of hypervisors.splice(0)) await hv.shutdown();
  });

  function hypervisor(loader?: GuestImageLoader): Hypervisor {
    const hv = new Hypervisor({}, loader);
    hypervisors.push(hv);
    return hv;
  }

  function create(hv: Hypervisor, guest = 'ticker'): Partition {
    return hv.createPartition({ name: `p-${guest}`, memoryBytes: 128 * 1024, guest: { entry: guestPath(guest) } });
  }

  /** Brings a fresh partition into `state` through legal operations only. */
  async function partitionIn(state: PartitionState): Promise<{ partition: Partition; hv: Hypervisor; gate?: GatedImageLoader }> {
    if (state === 'starting') {
      const gate = new GatedImageLoader();
      const hv = hypervisor(gate);
      const partition = create(hv);
      void partition.start().catch(() => undefined);
      return { partition, hv, gate };
    }
    const hv = hypervisor();
    const partition = create(hv, state === 'faulted' ? 'thrower' : 'ticker');
    if (state === 'created') return { partition, hv };
    if (state === 'destroyed') {
      await hv.destroyPartition(partition);
      return { partition, hv };
    }
    if (state === 'faulted') {
      await partition.start().catch(() => undefined);
      await reach(partition, 'faulted');
      return { partition, hv };
    }
    await partition.start();
    if (state === 'paused') partition.pause();
    if (state === 'stopping') void partition.stop();
    if (state === 'off') await partition.stop();
    return { partition, hv };
  }

  function attempt(hv: Hypervisor, partition: Partition, operation: Operation): Promise<unknown> {
    try {
      if (operation === 'destroy') return hv.destroyPartition(partition);
      if (operation === 'pause') return Promise.resolve(partition.pause());
      if (operation === 'resume') return Promise.resolve(partition.resume());
      return partition[operation]();
    } catch (error) {
      return Promise.reject(error);
    }
  }

  it('declares exactly the transitions the design allows', () => {
    expect(PARTITION_TRANSITIONS).toEqual({
      created: ['starting', 'destroyed'],
      starting: ['running', 'stopping', 'faulted'],
      running: ['paused', 'stopping', 'faulted'],
      paused: ['running', 'stopping', 'faulted'],
      stopping: ['off'],
      off: ['starting', 'destroyed'],
      faulted: ['stopping', 'destroyed'],
      destroyed: [],
    });
  });

  for (const state of Object.keys(LEGAL) as PartitionState[]) {
    for (const operation of OPERATIONS.filter((op) => !LEGAL[state].includes(op))) {
      it(`refuses to ${operation} a ${state} partition and changes nothing`, async () => {
        const { partition, hv, gate } = await partitionIn(state);
        expect(partition.state).toBe(state);
        const error = await attempt(hv, partition, operation).then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(error).toBeInstanceOf(InvalidStateError);
        expect(error).toMatchObject({ state });
        expect(partition.state).toBe(state);
        gate?.release();
      });
    }
  }

  it('walks created → starting → running → paused → running → stopping → off → starting → running → off → destroyed', async () => {
    const hv = hypervisor();
    const partition = create(hv);
    const seen: string[] = [];
    partition.transitions$.subscribe(({ from, to }) => seen.push(`${from}→${to}`));
    await partition.start();
    partition.pause();
    partition.resume();
    await partition.stop();
    await partition.start();
    await partition.stop();
    await hv.destroyPartition(partition);
    expect(seen).toEqual([
      'created→starting',
      'starting→running',
      'running→paused',
      'paused→running',
      'running→stopping',
      'stopping→off',
      'off→starting',
      'starting→running',
      'running→stopping',
      'stopping→off',
      'off→destroyed',
    ]);
    expect(hv.partitions()).toEqual([]);
  });

  it('stops a partition that is still starting', async () => {
    const { partition, gate } = await partitionIn('starting');
    const stopped = partition.stop();
    gate!.release();
    await stopped;
    expect(partition.state).toBe('off');
  });

  it('stops a partition whose guest failed, leaving it off and destroyable', async () => {
    const { partition, hv } = await partitionIn('faulted');
    expect(partition.reason).toMatch(/guest gave up on purpose/);
    await partition.stop();
    expect(partition.state).toBe('off');
    await hv.destroyPartition(partition);
    expect(partition.state).toBe('destroyed');
  });

  it('destroys a faulted partition directly', async () => {
    const { partition, hv } = await partitionIn('faulted');
    await hv.destroyPartition(partition);
    expect(partition.state).toBe('destroyed');
  });

  it('clears guest memory when booting again from off, as at power-on', async () => {
    const hv = hypervisor();
    const partition = create(hv);
    await partition.start();
    await partition.stop();
    partition.memory.write(0x2000, Uint8Array.of(1, 2, 3));
    await partition.start();
    expect([...partition.memory.read(0x2000, 3)]).toEqual([0, 0, 0]);
  });
});
