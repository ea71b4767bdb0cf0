import { afterEach, describe, expect, it } from 'vitest';
import { GuestImageError, Hypervisor, PartitionFaultError, PrebuiltGuestImageLoader, type GuestImage } from '../index.js';

describe('PrebuiltGuestImageLoader', () => {
  const image: GuestImage = { name: 'inline', source: 'var g = { default: async () => 0 };', exportsName: 'g' };

  it('loads the image held for an entry, from a map or a record', async () => {
    await expect(new PrebuiltGuestImageLoader(new Map([['a', image]])).load('a')).resolves.toBe(image);
    await expect(new PrebuiltGuestImageLoader({ a: image }).load('a')).resolves.toBe(image);
  });

  it('refuses an entry it holds no image for with a GuestImageError naming the entry', async () => {
    const error = await new PrebuiltGuestImageLoader({ a: image }).load('b').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(GuestImageError);
    expect(error).toMatchObject({ entry: 'b', problems: ['no prebuilt image for this entry'] });
  });

  describe('in a hypervisor', () => {
    let hv: Hypervisor | undefined;
    afterEach(async () => {
      await hv?.shutdown();
    });

    it('faults a partition whose entry it holds no image for', async () => {
      hv = new Hypervisor({}, new PrebuiltGuestImageLoader({ a: image }));
      const partition = hv.createPartition({ name: 'unknown', memoryBytes: 256 * 1024, guest: { entry: 'b' } });
      const error = await partition.start().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(PartitionFaultError);
      expect((error as PartitionFaultError).reason).toBe(new GuestImageError('b', ['no prebuilt image for this entry']).message);
      expect(partition.state).toBe('faulted');
    });
  });
});
