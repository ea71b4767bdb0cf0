import { Container } from 'inversify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { VirtualSwitchManagementContribution } from '../virtual-switch-management.js';
import { VspFactoryContribution, type Vsp, type VspBus, type VspFactory } from '../vsp.js';
import { DuplicateDeviceClassError } from './duplicate-device-class-error.js';
import { composeHost } from './host-composition.js';
import { MissingDeviceClassError } from './missing-device-class-error.js';
import { PluginLoadError } from './plugin-load-error.js';
import { hostModuleSource, PluginWorkspace, type TestHostModule } from './test-fixtures/plugin-workspace.js';

const LOADED = Symbol.for('test/loaded');
const HEARTBEAT_SERVICE = '@acme/heartbeat/HeartbeatVspFactory';
const INSTANCE = '2dd1ce17-079e-403c-b352-a1921ee207ee';
const vm = { name: 'web-01', vmbus: {} as VspBus };

/** What the test plugins' VSPs carry. */
type MarkedVsp = Vsp & { readonly marker: string };

describe('composeHost', () => {
  let workspace: PluginWorkspace;
  beforeEach(async () => {
    workspace = await PluginWorkspace.create();
  });
  afterEach(() => workspace.dispose());

  /** Writes a plugin whose host entry binds `module`, declaring `deviceClasses`. */
  async function writePlugin(
    relative: string,
    name: string,
    deviceClasses: readonly string[],
    module: TestHostModule | string,
    dependencies: Record<string, string> = {},
  ): Promise<string> {
    return workspace.writePackage(relative, name, {
      dependencies: { inversify: '^8.2.0', ...dependencies },
      tsvisor: { deviceClasses, host: './host.mjs' },
      files: { 'host.mjs': typeof module === 'string' ? module : hostModuleSource(module) },
    });
  }

  function writeHost(dependencies: Record<string, string>, fields: object = {}): Promise<string> {
    return workspace.writePackage('host', 'my-host', { dependencies, ...fields });
  }

  it('loads the host modules of the plugins in dependency order and registers their device classes', async () => {
    const host = await writeHost({ '@acme/storage': '*', '@acme/heartbeat': '*' });
    await writePlugin('node_modules/@acme/storage', '@acme/storage', ['storage.scsi'], {
      name: 'storage',
      factories: [{ classId: 'storage.scsi', marker: 'scsi' }],
    }, { '@acme/block': '*' });
    await writePlugin('node_modules/@acme/block', '@acme/block', ['storage.block'], {
      name: 'block',
      factories: [{ classId: 'storage.block' }],
    });
    await writePlugin('node_modules/@acme/heartbeat', '@acme/heartbeat', ['integration.heartbeat'], {
      name: 'heartbeat',
      service: { key: HEARTBEAT_SERVICE, classId: 'integration.heartbeat', marker: 'default heartbeat' },
    });

    const { container, manifests, registry } = await composeHost({ hostPackageDir: host });

    expect(manifests.map((manifest) => manifest.packageName)).toEqual(['@acme/block', '@acme/storage', '@acme/heartbeat']);
    expect(container.getAll(LOADED)).toEqual(['block', 'storage', 'heartbeat']);
    expect(registry.classes().map((cls) => cls.id)).toEqual(['storage.block', 'storage.scsi', 'integration.heartbeat']);
    const vsp = registry.createVsp({ class: 'storage.scsi', config: { timeoutSeconds: 5 }, instanceId: INSTANCE }, vm) as MarkedVsp;
    expect(vsp.marker).toBe('scsi');
  });

  it('lets a later module replace a plugin’s factory by rebinding the plugin’s service, without a duplicate', async () => {
    const host = await writeHost(
      { '@acme/heartbeat': '*' },
      {
        tsvisor: { deviceClasses: ['integration.heartbeat'], host: './host.mjs' },
        files: {
          'host.mjs': hostModuleSource({
            rebind: { key: HEARTBEAT_SERVICE, classId: 'integration.heartbeat', marker: 'custom heartbeat' },
          }),
        },
      },
    );
    await writePlugin('node_modules/@acme/heartbeat', '@acme/heartbeat', ['integration.heartbeat'], {
      service: { key: HEARTBEAT_SERVICE, classId: 'integration.heartbeat', marker: 'default heartbeat' },
    });

    const { manifests, registry, container } = await composeHost({ hostPackageDir: host });

    expect(manifests.map((manifest) => manifest.packageName)).toEqual(['@acme/heartbeat', 'my-host']);
    expect(container.getAll(VspFactoryContribution)).toHaveLength(1);
    const vsp = registry.createVsp({ class: 'integration.heartbeat', config: {}, instanceId: INSTANCE }, vm) as MarkedVsp;
    expect(vsp.marker).toBe('custom heartbeat');
  });

  it('refuses two factories for one class, naming both plugins', async () => {
    const host = await writeHost({ 'scsi-a': '*', 'scsi-b': '*' });
    await writePlugin('node_modules/scsi-a', 'scsi-a', ['storage.scsi'], { factories: [{ classId: 'storage.scsi' }] });
    await writePlugin('node_modules/scsi-b', 'scsi-b', ['storage.scsi'], { factories: [{ classId: 'storage.scsi' }] });

    const composition = composeHost({ hostPackageDir: host });
    await expect(composition).rejects.toBeInstanceOf(DuplicateDeviceClassError);
    await expect(composeHost({ hostPackageDir: host })).rejects.toMatchObject({
      classId: 'storage.scsi',
      packageNames: ['scsi-a', 'scsi-b'],
      message: expect.stringMatching(/^device class "storage.scsi" has more than one VSP factory \(declared by "scsi-a" and "scsi-b"\)/),
    });
  });

  it('refuses a plugin that declares a class its host module does not provide', async () => {
    const host = await writeHost({ '@acme/ic': '*' });
    await writePlugin('node_modules/@acme/ic', '@acme/ic', ['integration.heartbeat', 'integration.shutdown'], {
      factories: [{ classId: 'integration.heartbeat' }],
    });

    await expect(composeHost({ hostPackageDir: host })).rejects.toThrow(
      new PluginLoadError(
        '@acme/ic',
        './host.mjs',
        'declares device class "integration.shutdown" in package.json, but no VspFactory for it is bound to VspFactoryContribution',
      ),
    );
  });

  it('refuses a host entry whose default export is not a ContainerModule, naming the package and the entry', async () => {
    const host = await writeHost({ 'old-style': '*', 'no-default': '*' });
    await writePlugin('node_modules/old-style', 'old-style', ['test.old'], 'export default function (bind) { bind("x"); }');
    await writePlugin('node_modules/no-default', 'no-default', ['test.none'], 'export const module = 1;');

    await expect(composeHost({ hostPackageDir: host })).rejects.toMatchObject({
      name: 'PluginLoadError',
      packageName: 'old-style',
      entry: './host.mjs',
      problem: 'must default-export an Inversify ContainerModule, but its default export is a function',
    });
    await workspace.writeFile('host/package.json', JSON.stringify({ name: 'my-host', version: '1.0.0', dependencies: { 'no-default': '*' } }));
    await expect(composeHost({ hostPackageDir: host })).rejects.toThrow(
      'plugin "no-default", entry ./host.mjs: must default-export an Inversify ContainerModule, but its default export is nothing',
    );
  });

  it('reports a host module that fails to import or to load, keeping the cause', async () => {
    const host = await writeHost({ throws: '*' });
    await writePlugin('node_modules/throws', 'throws', ['test.throws'], 'throw new Error("no disk backend");');
    const failure = await composeHost({ hostPackageDir: host }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(PluginLoadError);
    expect((failure as PluginLoadError).problem).toMatch(/^cannot be imported from .*host\.mjs: no disk backend$/);
    expect((failure as PluginLoadError).cause).toBeInstanceOf(Error);

    // Another package: Node caches a module by its URL, failed imports included.
    await writeHost({ 'async-load': '*' });
    await writePlugin(
      'node_modules/async-load',
      'async-load',
      ['test.async'],
      'import { ContainerModule } from "inversify"; export default new ContainerModule(async () => {});',
    );
    await expect(composeHost({ hostPackageDir: host })).rejects.toMatchObject({
      name: 'PluginLoadError',
      packageName: 'async-load',
      problem: expect.stringMatching(/^failed to load: .*asynchronous/),
    });
  });

  it('resolves plugin entries with the conditions given', async () => {
    const host = await writeHost({ '@acme/dual': '*' });
    await workspace.writePackage('node_modules/@acme/dual', '@acme/dual', {
      exports: { './host': { '@tsvisor/source': './src/host.mjs', import: './dist/host.mjs' } },
      tsvisor: { deviceClasses: ['test.dual'], host: './dist/host.mjs' },
      files: {
        'src/host.mjs': hostModuleSource({ factories: [{ classId: 'test.dual', marker: 'source' }] }),
        'dist/host.mjs': hostModuleSource({ factories: [{ classId: 'test.dual', marker: 'built' }] }),
      },
    });
    const device = { class: 'test.dual', config: {}, instanceId: INSTANCE };

    const built = await composeHost({ hostPackageDir: host });
    const source = await composeHost({ hostPackageDir: host, conditions: ['@tsvisor/source', 'import', 'default'] });

    expect((built.registry.createVsp(device, vm) as MarkedVsp).marker).toBe('built');
    expect((source.registry.createVsp(device, vm) as MarkedVsp).marker).toBe('source');
  });

  it('loads into the container given, keeping what it already holds, and lists guest-only plugins without loading them', async () => {
    const host = await writeHost({ '@acme/heartbeat': '*', 'guest-only': '*' });
    await writePlugin('node_modules/@acme/heartbeat', '@acme/heartbeat', ['integration.heartbeat'], {
      factories: [{ classId: 'integration.heartbeat' }],
    });
    await workspace.writePackage('node_modules/guest-only', 'guest-only', { tsvisor: { deviceClasses: ['test.guest'], guest: './guest.mjs' } });
    const builtIn: VspFactory = {
      deviceClass: {
        id: 'host.builtin',
        interfaceType: '00000000-0000-0000-0000-000000000001',
        displayName: 'Built-in',
        config: { parse: () => ({}), jsonSchema: () => ({}) },
      },
      create: () => ({ start: () => undefined, stop: () => Promise.resolve() }),
    };
    const container = new Container();
    container.bind(VspFactoryContribution).toConstantValue(builtIn);

    const composition = await composeHost({ hostPackageDir: host, container });

    expect(composition.container).toBe(container);
    expect(composition.manifests.map((manifest) => manifest.packageName)).toEqual(['@acme/heartbeat', 'guest-only']);
    expect(composition.registry.classes().map((cls) => cls.id)).toEqual(['host.builtin', 'integration.heartbeat']);
  });

  /**
   * A host module binding a virtual switch service to the SDK's token beside the factory of its
   * adapter class `classId`, as a network plugin does; `marker` tells services apart.
   */
  function switchServiceModule(classId: string, marker: string): string {
    return `
import { ContainerModule } from 'inversify';
const VspFactoryContribution = Symbol.for('@tsvisor/device-sdk/VspFactory');
const VirtualSwitchManagementContribution = Symbol.for('@tsvisor/device-sdk/VirtualSwitchManagement');
const adapter = {
  deviceClass: { id: ${JSON.stringify(classId)}, interfaceType: 'f8615163-df3e-46c5-913f-f2d2f965ed0e', displayName: 'NIC', config: { parse: () => ({}), jsonSchema: () => ({}) } },
  create: () => ({ start() {}, async stop() {} }),
};
class SwitchService {
  marker = ${JSON.stringify(marker)};
  kinds() { return ['private']; }
  async create(definition) { return { name: definition.name, kind: definition.kind, ports: [], counters: {} }; }
  async delete() {}
  get() { return undefined; }
  list() { return []; }
}
export default new ContainerModule(({ bind }) => {
  bind(VspFactoryContribution).toConstantValue(adapter);
  bind(SwitchService).toSelf().inSingletonScope();
  bind(VirtualSwitchManagementContribution).toService(SwitchService);
});
`;
  }

  it('collects the virtual switch management service a plugin contributes, and has none without one', async () => {
    const host = await writeHost({ '@acme/network': '*' });
    await writePlugin('node_modules/@acme/network', '@acme/network', ['network.synthetic'], switchServiceModule('network.synthetic', 'acme switches'));

    const { virtualSwitchManagement, container } = await composeHost({ hostPackageDir: host });

    expect(virtualSwitchManagement).toBe(container.get(VirtualSwitchManagementContribution));
    expect((virtualSwitchManagement as unknown as { marker: string }).marker).toBe('acme switches');
    expect(virtualSwitchManagement?.kinds()).toEqual(['private']);
    expect(await virtualSwitchManagement?.create({ name: 'lan', kind: 'private' })).toEqual({ name: 'lan', kind: 'private', ports: [], counters: {} });
    const bare = await composeHost({ hostPackageDir: await writeHost({ inversify: '*' }) });
    expect(bare.virtualSwitchManagement).toBeUndefined();
  });

  it('refuses a second virtual switch management service', async () => {
    const host = await writeHost({ 'net-a': '*', 'net-b': '*' });
    await writePlugin('node_modules/net-a', 'net-a', ['network.a'], switchServiceModule('network.a', 'a'));
    await writePlugin('node_modules/net-b', 'net-b', ['network.b'], switchServiceModule('network.b', 'b'));

    await expect(composeHost({ hostPackageDir: host })).rejects.toThrow(
      new PluginLoadError('a plugin', 'host', 'contributes a second virtual switch management service: at most one may be bound'),
    );
  });

  it('composes a host without plugins into an empty registry that names what is missing', async () => {
    const host = await writeHost({ inversify: '*' });
    const { registry, manifests } = await composeHost({ hostPackageDir: host });
    expect(manifests).toEqual([]);
    expect(registry.classes()).toEqual([]);
    expect(() => registry.createVsp({ class: 'storage.scsi', config: {}, instanceId: INSTANCE }, vm)).toThrow(MissingDeviceClassError);
  });

  it('names the configuration field of the device a plugin’s schema rejects', async () => {
    const host = await writeHost({ '@acme/heartbeat': '*' });
    await writePlugin('node_modules/@acme/heartbeat', '@acme/heartbeat', ['integration.heartbeat'], {
      factories: [{ classId: 'integration.heartbeat' }],
    });
    const { registry } = await composeHost({ hostPackageDir: host });
    const device = { class: 'integration.heartbeat', config: { timeoutSeconds: 0 }, instanceId: INSTANCE };
    expect(() => registry.createVsp(device, vm, 'devices[1]')).toThrow('devices[1].config.timeoutSeconds: must be an integer of at least 1');
  });
});
