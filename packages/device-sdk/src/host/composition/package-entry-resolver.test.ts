import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { resolvePackageEntry } from './package-entry-resolver.js';
import { PluginLoadError } from './plugin-load-error.js';
import { PluginWorkspace } from './test-fixtures/plugin-workspace.js';

const SOURCE = ['@tsvisor/source', 'import', 'default'];

/** The exports of one of our packages, as packages/vmbus/package.json has them. */
const OUR_EXPORTS = {
  '.': { '@tsvisor/source': './src/index.ts', types: './dist/index.d.ts', import: './dist/index.js', default: './dist/index.js' },
  './host': {
    '@tsvisor/source': './src/host/index.ts',
    types: './dist/host/index.d.ts',
    import: './dist/host/index.js',
    default: './dist/host/index.js',
  },
  './package.json': './package.json',
};

describe('resolvePackageEntry', () => {
  let workspace: PluginWorkspace;
  beforeEach(async () => {
    workspace = await PluginWorkspace.create();
  });
  afterEach(() => workspace.dispose());

  const plugin = (exports: unknown) => workspace.writePackage('plugin', '@acme/plugin', { exports });

  it('resolves an export subpath with the conditions given', async () => {
    const dir = await plugin(OUR_EXPORTS);
    expect(await resolvePackageEntry(dir, './host', SOURCE)).toBe(join(dir, 'src/host/index.ts'));
    expect(await resolvePackageEntry(dir, './host')).toBe(join(dir, 'dist/host/index.js'));
  });

  it('resolves the package root "." through its export, or through "main" without exports', async () => {
    const dir = await plugin(OUR_EXPORTS);
    expect(await resolvePackageEntry(dir, '.', SOURCE)).toBe(join(dir, 'src/index.ts'));
    const plain = await workspace.writePackage('plain', '@acme/plain', { main: 'lib/main.js' });
    expect(await resolvePackageEntry(plain, '.')).toBe(join(plain, 'lib/main.js'));
  });

  it('maps a file back to the export that names it, then resolves that export with the conditions given', async () => {
    const dir = await plugin(OUR_EXPORTS);
    expect(await resolvePackageEntry(dir, './dist/host/index.js', SOURCE)).toBe(join(dir, 'src/host/index.ts'));
    expect(await resolvePackageEntry(dir, './dist/host/index.js')).toBe(join(dir, 'dist/host/index.js'));
    expect(await resolvePackageEntry(dir, './dist/index.d.ts', SOURCE)).toBe(join(dir, 'src/index.ts'));
  });

  it('follows nested conditions in their own order, falling through those that match nothing', async () => {
    const dir = await plugin({
      './host': { node: { require: './host.cjs', import: './host-node.mjs' }, default: './host.mjs' },
    });
    expect(await resolvePackageEntry(dir, './host', ['node', 'import'])).toBe(join(dir, 'host-node.mjs'));
    expect(await resolvePackageEntry(dir, './host', ['node', 'other'])).toBe(join(dir, 'host.mjs'));
    expect(await resolvePackageEntry(dir, './host', ['import'])).toBe(join(dir, 'host.mjs'));
  });

  it('takes the first usable target of a fallback array and skips excluded (null) ones', async () => {
    const dir = await plugin({ './host': [null, { worker: './worker.js' }, './host.js'] });
    expect(await resolvePackageEntry(dir, './host')).toBe(join(dir, 'host.js'));
    expect(await resolvePackageEntry(dir, './host', ['worker'])).toBe(join(dir, 'worker.js'));
  });

  it('understands exports given as one string or as conditions for "."', async () => {
    let dir = await plugin('./main.js');
    expect(await resolvePackageEntry(dir, './main.js')).toBe(join(dir, 'main.js'));
    dir = await plugin({ '@tsvisor/source': './src/main.ts', default: './dist/main.js' });
    expect(await resolvePackageEntry(dir, './dist/main.js', SOURCE)).toBe(join(dir, 'src/main.ts'));
  });

  it('takes the file itself when the package has no exports, or none names it', async () => {
    let dir = await workspace.writePackage('plain', 'plain');
    expect(await resolvePackageEntry(dir, './dist/host/index.js', SOURCE)).toBe(join(dir, 'dist/host/index.js'));
    dir = await plugin(OUR_EXPORTS);
    expect(await resolvePackageEntry(dir, './lib/host.js', SOURCE)).toBe(join(dir, 'lib/host.js'));
  });

  it.each([
    ['an entry not starting with ./', OUR_EXPORTS, 'dist/host/index.js', 'must be "." or start with "./"'],
    ['an export with no target for the conditions', { './host': { require: './host.cjs' } }, './host', 'export "./host" has no target for the conditions import, default'],
    ['a target outside the package', { './host': './../elsewhere/host.js' }, './host', 'resolves to "./../elsewhere/host.js", outside the package'],
    ['a target not starting with ./', { './host': 'host.js' }, './host', 'resolves to "host.js", which does not start with "./"'],
    ['exports mixing subpaths and conditions', { './host': './host.js', default: './index.js' }, './host', 'package.json "exports" mixes subpaths ("./…") with conditions'],
  ])('rejects %s, naming the package and the entry', async (_, exports, entry, problem) => {
    const dir = await plugin(exports);
    const rejection = resolvePackageEntry(dir, entry);
    await expect(rejection).rejects.toBeInstanceOf(PluginLoadError);
    await expect(resolvePackageEntry(dir, entry)).rejects.toMatchObject({ packageName: '@acme/plugin', entry, problem });
  });
});
