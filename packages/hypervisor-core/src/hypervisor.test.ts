import { Container } from 'inversify';
import { afterEach, describe, expect, it } from 'vitest';
import { GuestImageLoader, Hypervisor, hypervisorModule, HypervisorOptions, PartitionSpecError, type GuestImage } from './index.js';
import { guestPath } from './test-fixtures/guest-console.js';

describe('Hypervisor', () => {
  const created: Hypervisor[] = [];
  afterEach(async () => {
    for (const hv of created.splice(0)) await hv.shutdown();
  });
  const make = (...args: ConstructorParameters<typeof Hypervisor>): Hypervisor => {
    const hv = new Hypervisor(...args);
    created.push(hv);
    return hv;
  };
  const valid = { name: 'vm', memoryBytes: 128 * 1024, guest: { entry: guestPath('ticker') } };

  it('creates, lists and destroys partitions, publishing the list', async () => {
    const hv = make();
    const seen: number[] = [];
    hv.partitions$.subscribe((list) => seen.push(list.length));
    const a = hv.createPartition({ ...valid, name: 'a' });
    const b = hv.createPartition({ ...valid, name: 'b' });
    expect(hv.partitions().map((p) => p.name)).toEqual(['a', 'b']);
    expect(hv.get(b.id)).toBe(b);
    await hv.destroyPartition(a);
    expect(hv.partitions()).toEqual([b]);
    expect(seen).toEqual([0, 1, 2, 1]);
  });

  it.each([
    ['name', { name: '' }],
    ['name', { name: 'x'.repeat(65) }],
    ['memoryBytes', { memoryBytes: 1000 }],
    ['memoryBytes', { memoryBytes: 8 * 4096 }],
    ['memoryBytes', { memoryBytes: 2 ** 31 }],
    ['vpCount', { vpCount: 0 }],
    ['vpCount', { vpCount: 17 }],
    ['guest.entry', { guest: { entry: '' } }],
    ['resourceLimits.maxHeapMb', { resourceLimits: { maxHeapMb: 0 } }],
    ['resourceLimits.bogus', { resourceLimits: { bogus: 1 } }],
    ['haltPollUs', { haltPollUs: -1 }],
    ['haltPollUs', { haltPollUs: 0.5 }],
    ['haltPollUs', { haltPollUs: 100_001 }],
  ])('refuses a spec with a bad %s and creates nothing', (field, override) => {
    const hv = make();
    const error = (() => {
      try {
        hv.createPartition({ ...valid, ...override } as never);
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(PartitionSpecError);
    expect(error).toMatchObject({ field });
    expect(hv.partitions()).toEqual([]);
  });

  it('enforces its configured limits', () => {
    const hv = make({ maxPartitions: 1, maxMemoryBytes: 256 * 1024 });
    expect(() => hv.createPartition({ ...valid, memoryBytes: 512 * 1024 })).toThrow(PartitionSpecError);
    hv.createPartition(valid);
    expect(() => hv.createPartition(valid)).toThrow(/maximum of 1 partitions/);
  });

  it('is composed by Inversify, and a later binding replaces the guest image loader', async () => {
    const container = new Container();
    container.load(hypervisorModule);
    const loaded: string[] = [];
    container.bind(HypervisorOptions).toConstantValue({ maxVpCount: 2 });
    container.rebind(GuestImageLoader).toConstantValue({
      async load(entry: string): Promise<GuestImage> {
        loaded.push(entry);
        return { name: 'inline', source: 'var g = { default: async () => 5 };', exportsName: 'g' };
      },
    });
    const hv = container.get(Hypervisor);
    created.push(hv);
    expect(container.get(Hypervisor)).toBe(hv);
    expect(() => hv.createPartition({ ...valid, vpCount: 3 })).toThrow(PartitionSpecError);
    const partition = hv.createPartition(valid);
    await partition.start();
    await expect.poll(() => partition.state).toBe('off');
    expect(partition.reason).toBe('guest halted (exit code 5)');
    expect(loaded).toEqual([valid.guest.entry]);
  });
});
