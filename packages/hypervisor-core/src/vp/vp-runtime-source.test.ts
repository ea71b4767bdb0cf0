import { Container } from 'inversify';
import { afterEach, describe, expect, it } from 'vitest';
import {
  BundlingGuestImageLoader,
  BundlingVpRuntimeSource,
  bundleVpRuntime,
  GuestImageLoader,
  Hypervisor,
  hypervisorModule,
  PartitionFaultError,
  PrebuiltGuestImageLoader,
  PrebuiltVpRuntimeSource,
  VpRuntimeSource,
} from '../index.js';
import { ascii, GuestConsole, guestPath } from '../test-fixtures/guest-console.js';

describe('VP runtime sources', () => {
  const created: Hypervisor[] = [];
  afterEach(async () => {
    for (const hv of created.splice(0)) await hv.shutdown();
  });
  const make = (...args: ConstructorParameters<typeof Hypervisor>): Hypervisor => {
    const hv = new Hypervisor(...args);
    created.push(hv);
    return hv;
  };
  const echo = guestPath('echo');

  it('runs a guest to completion from a prebuilt runtime and a prebuilt guest image', async () => {
    const images = new PrebuiltGuestImageLoader(new Map([[echo, await new BundlingGuestImageLoader().load(echo)]]));
    const hv = make({}, images, new PrebuiltVpRuntimeSource(await bundleVpRuntime()));
    const partition = hv.createPartition({ name: 'prebuilt', memoryBytes: 256 * 1024, vpCount: 2, guest: { entry: echo } });
    const console = new GuestConsole(partition);
    await partition.start();
    await console.waitFor((t) => t === 'hello from vp1');
    partition.synic.postMessage(0, 2, 10, ascii('ping'));
    expect(await console.waitFor((t) => t.startsWith('echo:'))).toBe('echo:ping');
    for (const vp of [0, 1]) partition.synic.postMessage(vp, 2, 99, ascii('bye'));
    await expect.poll(() => partition.state).toBe('off');
    expect(partition.reason).toBe('guest halted (exit code 7)');
  });

  it('faults the partition, rather than hanging, when the runtime script throws as the VP thread starts', async () => {
    const hv = make({}, undefined, new PrebuiltVpRuntimeSource('throw new Error("broken runtime");'));
    const partition = hv.createPartition({ name: 'broken', memoryBytes: 256 * 1024, guest: { entry: echo } });
    const error = await partition.start().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PartitionFaultError);
    expect(error).toMatchObject({ reason: 'VP runtime error: broken runtime' });
    expect(partition.state).toBe('faulted');
  });

  it('gives the runtime as a base64 data: URL of the source text', async () => {
    const url = await new PrebuiltVpRuntimeSource('export {};').script();
    expect(url.href).toBe(`data:text/javascript;base64,${Buffer.from('export {};').toString('base64')}`);
  });

  it('bundles the default runtime once per process', async () => {
    const first = await new BundlingVpRuntimeSource().script();
    expect(await new BundlingVpRuntimeSource().script()).toBe(first);
    expect(first.protocol).toBe('data:');
  });

  it('is bound by hypervisorModule, and a later binding replaces the runtime source', async () => {
    const container = new Container();
    container.load(hypervisorModule);
    expect(container.get(VpRuntimeSource)).toBeInstanceOf(BundlingVpRuntimeSource);
    const asked: string[] = [];
    container.rebind(GuestImageLoader).toConstantValue(
      new PrebuiltGuestImageLoader({ inline: { name: 'inline', source: 'var g = { default: async () => 3 };', exportsName: 'g' } }),
    );
    const prebuilt = new PrebuiltVpRuntimeSource(await bundleVpRuntime());
    container.rebind(VpRuntimeSource).toConstantValue({
      script: () => {
        asked.push('script');
        return prebuilt.script();
      },
    });
    const hv = container.get(Hypervisor);
    created.push(hv);
    const partition = hv.createPartition({ name: 'bound', memoryBytes: 256 * 1024, guest: { entry: 'inline' } });
    await partition.start();
    await expect.poll(() => partition.state).toBe('off');
    expect(partition.reason).toBe('guest halted (exit code 3)');
    expect(asked).toEqual(['script']);
  });
});
