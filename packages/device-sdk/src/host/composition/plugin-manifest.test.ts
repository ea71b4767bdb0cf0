import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PluginManifestError } from './plugin-manifest-error.js';
import { pluginManifestOf, readPluginManifest } from './plugin-manifest.js';
import { PluginWorkspace } from './test-fixtures/plugin-workspace.js';

const DIR = '/plugins/heartbeat';

function heartbeat(tsvisor: unknown, fields: Record<string, unknown> = {}) {
  return { name: '@acme/heartbeat', version: '1.2.3', tsvisor, ...fields };
}

function manifestError(packageJson: Record<string, unknown>): PluginManifestError {
  try {
    pluginManifestOf(packageJson, DIR);
  } catch (error) {
    if (error instanceof PluginManifestError) return error;
    throw error;
  }
  throw new Error('expected a PluginManifestError');
}

describe('pluginManifestOf', () => {
  it('reads a plugin manifest', () => {
    const manifest = pluginManifestOf(
      heartbeat({ deviceClasses: ['integration.heartbeat'], host: './dist/host/index.js', guest: './dist/guest/index.js' }),
      DIR,
    );
    expect(manifest).toEqual({
      packageName: '@acme/heartbeat',
      version: '1.2.3',
      packageDir: DIR,
      deviceClasses: ['integration.heartbeat'],
      host: './dist/host/index.js',
      guest: './dist/guest/index.js',
    });
  });

  it('leaves out the entries a plugin does not have', () => {
    const manifest = pluginManifestOf(heartbeat({ deviceClasses: ['integration.heartbeat'], guest: './guest.js' }), DIR);
    expect(manifest).not.toHaveProperty('host');
  });

  it('finds no manifest in a package without a tsvisor field', () => {
    expect(pluginManifestOf({ name: 'rxjs', version: '7.8.2' }, DIR)).toBeUndefined();
  });

  it.each([
    ['no device classes', { deviceClasses: [], host: './h.js' }, 'tsvisor.deviceClasses', 'must be a non-empty array of device class ids, got an array of 0 items'],
    ['device classes as a string', { deviceClasses: 'storage.scsi', host: './h.js' }, 'tsvisor.deviceClasses', 'must be a non-empty array of device class ids, got "storage.scsi"'],
    ['an invalid class id', { deviceClasses: ['storage.scsi', 'Storage'], host: './h.js' }, 'tsvisor.deviceClasses[1]', 'must be a device class id, lower-case dotted words such as "storage.scsi", got "Storage"'],
    ['a class listed twice', { deviceClasses: ['a.b', 'a.b'], host: './h.js' }, 'tsvisor.deviceClasses[1]', 'lists "a.b" a second time'],
    ['a host entry not starting with ./', { deviceClasses: ['a.b'], host: 'dist/host.js' }, 'tsvisor.host', 'must be a path inside the package starting with "./", got "dist/host.js"'],
    ['a guest entry that is not a string', { deviceClasses: ['a.b'], guest: 3 }, 'tsvisor.guest', 'must be a path inside the package starting with "./", got 3'],
    ['neither entry', { deviceClasses: ['a.b'] }, 'tsvisor', 'must name a "host" or a "guest" entry, or both'],
    ['a misspelt entry', { deviceClasses: ['a.b'], Host: './h.js', guest: './g.js' }, 'tsvisor.Host', 'is not a manifest field (known fields: deviceClasses, host, guest)'],
    ['a manifest that is not an object', ['a.b'], 'tsvisor', 'must be an object, got an array of 1 item'],
  ])('rejects %s, naming the package and the field', (_, tsvisor, field, problem) => {
    const error = manifestError(heartbeat(tsvisor));
    expect(error).toMatchObject({ packageName: '@acme/heartbeat', field, problem });
    expect(error.message).toBe(`@acme/heartbeat: package.json field "${field}" ${problem}`);
  });

  it('requires a plugin to have a name and a version', () => {
    const tsvisor = { deviceClasses: ['a.b'], host: './h.js' };
    expect(manifestError({ version: '1.0.0', tsvisor })).toMatchObject({ packageName: DIR, field: 'name' });
    expect(manifestError({ name: 'p', tsvisor })).toMatchObject({ packageName: 'p', field: 'version', problem: "must be the plugin's version, got nothing" });
  });
});

describe('readPluginManifest', () => {
  let workspace: PluginWorkspace;
  beforeEach(async () => {
    workspace = await PluginWorkspace.create();
  });
  afterEach(() => workspace.dispose());

  it('reads the manifest from the package directory, recording the directory with links resolved', async () => {
    const dir = await workspace.writePackage('packages/heartbeat', '@acme/heartbeat', {
      tsvisor: { deviceClasses: ['integration.heartbeat'], host: './host.mjs' },
    });
    await workspace.link('node_modules/@acme/heartbeat', 'packages/heartbeat');
    const manifest = await readPluginManifest(workspace.path('node_modules/@acme/heartbeat'));
    expect(manifest).toMatchObject({ packageName: '@acme/heartbeat', packageDir: dir, host: './host.mjs' });
  });

  it('names the directory when its package.json is missing or is not JSON', async () => {
    const dir = workspace.path('broken');
    await expect(readPluginManifest(dir)).rejects.toThrow(PluginManifestError);
    await workspace.writeFile('broken/package.json', '{ "name": ');
    await expect(readPluginManifest(dir)).rejects.toMatchObject({ packageName: dir, field: '', problem: expect.stringMatching(/^is not valid JSON/) });
    await workspace.writeFile('broken/package.json', '[]');
    await expect(readPluginManifest(dir)).rejects.toThrow(`${dir}: package.json is not a JSON object`);
  });
});
