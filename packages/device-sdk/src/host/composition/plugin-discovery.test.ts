import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PluginDiscoveryError } from './plugin-discovery-error.js';
import { discoverPlugins } from './plugin-discovery.js';
import { PluginManifestError } from './plugin-manifest-error.js';
import { PluginWorkspace } from './test-fixtures/plugin-workspace.js';

function plugin(deviceClass: string, dependencies: Record<string, string> = {}, version = '1.0.0') {
  return { version, dependencies, tsvisor: { deviceClasses: [deviceClass], host: './host.mjs' } };
}

describe('discoverPlugins', () => {
  let workspace: PluginWorkspace;
  beforeEach(async () => {
    workspace = await PluginWorkspace.create();
  });
  afterEach(() => workspace.dispose());

  const names = async (hostDir: string) => (await discoverPlugins(hostDir)).map((manifest) => manifest.packageName);

  it('walks the whole dependency tree, each plugin after the plugins it depends on, otherwise in declaration order', async () => {
    const host = await workspace.writePackage('host', 'my-host', {
      dependencies: { '@acme/storage': '*', 'plain-lib': '*', '@acme/heartbeat': '*' },
    });
    await workspace.writePackage('node_modules/@acme/storage', '@acme/storage', plugin('storage.scsi', { '@acme/block': '*', inversify: '*' }));
    await workspace.writePackage('node_modules/@acme/block', '@acme/block', plugin('storage.block'));
    await workspace.writePackage('node_modules/plain-lib', 'plain-lib', { dependencies: { 'nested-plugin': '*' } });
    await workspace.writePackage('node_modules/plain-lib/node_modules/nested-plugin', 'nested-plugin', plugin('test.nested'));
    await workspace.writePackage('node_modules/@acme/heartbeat', '@acme/heartbeat', plugin('integration.heartbeat', { '@acme/block': '*' }));

    expect(await names(host)).toEqual(['@acme/block', '@acme/storage', 'nested-plugin', '@acme/heartbeat']);
  });

  it('visits a package reached through several links once, by its real directory', async () => {
    const host = await workspace.writePackage('host', 'my-host', {
      dependencies: { '@acme/heartbeat': '*', 'heartbeat-alias': '*', user: '*' },
    });
    const real = await workspace.writePackage('packages/heartbeat', '@acme/heartbeat', plugin('integration.heartbeat'));
    await workspace.link('node_modules/@acme/heartbeat', 'packages/heartbeat');
    await workspace.link('node_modules/heartbeat-alias', 'packages/heartbeat');
    await workspace.writePackage('node_modules/user', 'user', plugin('test.user', { '@acme/heartbeat': '*' }));

    const manifests = await discoverPlugins(host);
    expect(manifests.map((manifest) => [manifest.packageName, manifest.packageDir])).toEqual([
      ['@acme/heartbeat', real],
      ['user', workspace.path('node_modules/user')],
    ]);
  });

  it('looks for dependencies of a linked workspace package from its real directory, as Node does', async () => {
    const host = await workspace.writePackage('host', 'my-host', { dependencies: { '@acme/heartbeat': '*' } });
    await workspace.writePackage('packages/heartbeat', '@acme/heartbeat', plugin('integration.heartbeat', { 'heartbeat-core': '*' }));
    await workspace.writePackage('packages/heartbeat/node_modules/heartbeat-core', 'heartbeat-core', plugin('integration.core'));
    await workspace.link('host/node_modules/@acme/heartbeat', 'packages/heartbeat');

    expect(await names(host)).toEqual(['heartbeat-core', '@acme/heartbeat']);
  });

  it('takes the copy nearest to the dependent, so two versions of a plugin can both be present', async () => {
    const host = await workspace.writePackage('host', 'my-host', { dependencies: { '@acme/block': '*', 'plain-lib': '*' } });
    await workspace.writePackage('node_modules/@acme/block', '@acme/block', plugin('storage.block', {}, '1.0.0'));
    await workspace.writePackage('node_modules/plain-lib', 'plain-lib', { dependencies: { '@acme/block': '*' } });
    await workspace.writePackage('node_modules/plain-lib/node_modules/@acme/block', '@acme/block', plugin('storage.block', {}, '2.0.0'));

    const manifests = await discoverPlugins(host);
    expect(manifests.map((manifest) => manifest.version)).toEqual(['1.0.0', '2.0.0']);
  });

  it('skips a missing optional dependency', async () => {
    const host = await workspace.writePackage('host', 'my-host', {
      dependencies: { '@acme/block': '*' },
      optionalDependencies: { '@acme/absent': '*' },
    });
    await workspace.writePackage('node_modules/@acme/block', '@acme/block', plugin('storage.block'));
    expect(await names(host)).toEqual(['@acme/block']);
  });

  it('names a missing dependency and the package that needs it', async () => {
    const host = await workspace.writePackage('host', 'my-host', { dependencies: { '@acme/storage': '*' } });
    const storage = await workspace.writePackage('node_modules/@acme/storage', '@acme/storage', plugin('storage.scsi', { '@acme/block': '*' }));

    const rejection = discoverPlugins(host);
    await expect(rejection).rejects.toBeInstanceOf(PluginDiscoveryError);
    await expect(discoverPlugins(host)).rejects.toMatchObject({ packageName: '@acme/block', dependent: '@acme/storage', searchedFrom: storage });
    await expect(discoverPlugins(host)).rejects.toThrow(/^cannot find package "@acme\/block", a dependency of "@acme\/storage"/);
  });

  it('reports a plugin whose manifest breaks the rules', async () => {
    const host = await workspace.writePackage('host', 'my-host', { dependencies: { bad: '*' } });
    await workspace.writePackage('node_modules/bad', 'bad', { tsvisor: { deviceClasses: ['Bad'], host: './host.mjs' } });
    await expect(discoverPlugins(host)).rejects.toMatchObject({ name: 'PluginManifestError', packageName: 'bad', field: 'tsvisor.deviceClasses[0]' });
  });

  it('refuses a dependency name that is a path', async () => {
    const host = await workspace.writePackage('host', 'my-host', { dependencies: { '../outside': '*' } });
    await expect(discoverPlugins(host)).rejects.toThrow(PluginManifestError);
  });

  it('ends in a dependency cycle, and lists a host package that is itself a plugin last', async () => {
    const host = await workspace.writePackage('host', 'my-host', { ...plugin('host.own', { a: '*' }) });
    await workspace.writePackage('node_modules/a', 'a', plugin('test.a', { b: '*' }));
    await workspace.writePackage('node_modules/b', 'b', plugin('test.b', { a: '*', 'my-host': '*' }));
    await workspace.link('node_modules/my-host', 'host');

    expect(await names(host)).toEqual(['b', 'a', 'my-host']);
  });

  it('finds nothing in a host without plugins', async () => {
    const host = await workspace.writePackage('host', 'my-host', { dependencies: { inversify: '*' } });
    expect(await discoverPlugins(host)).toEqual([]);
  });
});
