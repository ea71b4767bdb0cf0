import { readJson, type Tree } from '@nx/devkit';
import { createTreeWithEmptyWorkspace } from '@nx/devkit/testing.js';
import { isDeviceClassId } from '@tsvisor/device-sdk';
import { execFile } from 'node:child_process';
import { copyFile, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FsTree, flushChanges } from 'nx/src/generators/tree';
import { describe, expect, it } from 'vitest';
import { devicePluginGenerator, nextSteps } from './generator.js';
import { normalizeDevicePluginOptions } from './device-plugin-options.js';
import { InvalidOptionError } from './invalid-option-error.js';
import type { DevicePluginGeneratorSchema } from './schema.js';

/** The real workspace: its node_modules and tsconfig.base.json serve the temporary one. */
const WORKSPACE_ROOT = join(import.meta.dirname, '../../../../..');
const GUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

/** An empty Nx workspace shaped like this one: npm workspaces, a root tsconfig.json with references. */
function workspaceTree(): Tree {
  const tree = createTreeWithEmptyWorkspace();
  // This workspace has no Prettier configuration, so `formatFiles` leaves files as generated.
  tree.delete('.prettierrc');
  tree.write('package.json', JSON.stringify({ name: '@tsvisor/source', private: true, workspaces: ['packages/*', 'packages/devices/*', 'tools/*'] }));
  tree.write('tsconfig.json', JSON.stringify({ extends: './tsconfig.base.json', files: [], references: [{ path: './packages/wire' }] }));
  tree.write('packages/wire/package.json', JSON.stringify({ name: '@tsvisor/wire' }));
  tree.write(
    'packages/devices/integration/package.json',
    JSON.stringify({ name: '@tsvisor/integration', tsvisor: { deviceClasses: ['integration.heartbeat', 'integration.kvp'] } }),
  );
  return tree;
}

function read(tree: Tree, path: string): string {
  const content = tree.read(path, 'utf-8');
  if (content === null) throw new Error(`${path} was not generated`);
  return content;
}

/** The error `action` throws, which must be an {@link InvalidOptionError}. */
function invalidOption(action: () => unknown): InvalidOptionError {
  try {
    action();
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOptionError);
    return error as InvalidOptionError;
  }
  throw new Error('expected an InvalidOptionError');
}

describe('device-plugin generator', () => {
  it('creates packages/devices/<name> as @tsvisor/<name>: manifest, modules, protocol, tests, README, changeset', async () => {
    const tree = workspaceTree();
    const existing = new Set(tree.listChanges().map((change) => change.path));
    await devicePluginGenerator(tree, { name: 'demo-echo', description: 'An echo device to start from' });
    const root = 'packages/devices/demo-echo';
    const created = tree
      .listChanges()
      .map((change) => change.path)
      .filter((path) => !existing.has(path))
      .sort();
    expect(created).toEqual(
      [
        '.changeset/demo-echo-first-release.md',
        ...[
          'README.md',
          'eslint.config.mjs',
          'package.json',
          'src/demo-echo.test.ts',
          'src/device-class.ts',
          'src/guest/demo-echo-driver.ts',
          'src/guest/demo-echo-status-error.ts',
          'src/guest/index.ts',
          'src/host/demo-echo-vsp.ts',
          'src/host/index.ts',
          'src/index.ts',
          'src/protocol/demo-echo-message.test.ts',
          'src/protocol/demo-echo-message.ts',
          'src/protocol/guest-realm.test.ts',
          'tsconfig.json',
          'tsconfig.lib.json',
          'tsconfig.spec.json',
          'vitest.config.ts',
        ].map((file) => `${root}/${file}`),
      ].sort(),
    );

    const packageJson = readJson(tree, `${root}/package.json`);
    expect(packageJson).toMatchObject({
      name: '@tsvisor/demo-echo',
      description: 'An echo device to start from',
      type: 'module',
      nx: { tags: ['layer:4', 'kind:device', 'side:shared'] },
      tsvisor: { deviceClasses: ['demo-echo.device'], host: './dist/host/index.js', guest: './dist/guest/index.js' },
    });
    for (const entry of ['.', './host', './guest']) {
      expect(Object.keys(packageJson.exports[entry])[0], `exports["${entry}"]`).toBe('@tsvisor/source');
    }
    expect(isDeviceClassId(packageJson.tsvisor.deviceClasses[0])).toBe(true);

    const deviceClass = read(tree, `${root}/src/device-class.ts`);
    const interfaceType = /DEMO_ECHO_INTERFACE_TYPE = '([^']+)'/.exec(deviceClass)?.[1];
    expect(interfaceType).toMatch(GUID_V4);
    expect(deviceClass).toContain("id: 'demo-echo.device'");
    expect(deviceClass).toContain("displayName: 'Demo Echo'");
    expect(read(tree, `${root}/src/host/demo-echo-vsp.ts`)).toContain('export class DemoEchoVsp extends SimpleVsp<DemoEchoConfig>');
    expect(read(tree, `${root}/src/guest/demo-echo-driver.ts`)).toContain('export class DemoEchoDriver implements VscDriver<DemoEchoDevice>');
    expect(read(tree, `${root}/src/host/index.ts`)).toContain('bind(VspFactoryContribution).toService(DemoEchoVspFactory)');
    expect(read(tree, `${root}/src/guest/index.ts`)).toContain('bind(VscDriverContribution).toConstantValue(new DemoEchoDriver())');
    expect(read(tree, `${root}/src/protocol/demo-echo-message.ts`)).toContain("struct('DemoEchoRequest', {");
    expect(read(tree, `${root}/README.md`)).toContain(`\`demo-echo.device\` (interface type\n\`${interfaceType}\`)`);
    expect(read(tree, '.changeset/demo-echo-first-release.md')).toMatch(/^---\n'@tsvisor\/demo-echo': minor\n---\n/);
    for (const change of tree.listChanges()) {
      expect(change.content?.toString(), change.path).not.toMatch(/<%|%>|__name__/);
    }
  });

  it('adds the package to the root tsconfig.json references, once', async () => {
    const tree = workspaceTree();
    await devicePluginGenerator(tree, { name: 'demo-echo' });
    expect(readJson(tree, 'tsconfig.json').references).toEqual([{ path: './packages/wire' }, { path: './packages/devices/demo-echo' }]);
  });

  it('gives each generated class a fresh interface GUID, or the one asked for', async () => {
    const tree = workspaceTree();
    await devicePluginGenerator(tree, { name: 'first' });
    await devicePluginGenerator(tree, { name: 'second', classId: 'acme.second-device', interfaceType: 'ABCDEF01-2345-4678-9ABC-DEF012345678' });
    await devicePluginGenerator(tree, { name: 'third' });
    const guidOf = (name: string): string | undefined => /_INTERFACE_TYPE = '([^']+)'/.exec(read(tree, `packages/devices/${name}/src/device-class.ts`))?.[1];
    expect(guidOf('first')).toMatch(GUID_V4);
    expect(guidOf('third')).toMatch(GUID_V4);
    expect(guidOf('first')).not.toBe(guidOf('third'));
    expect(guidOf('second')).toBe('abcdef01-2345-4678-9abc-def012345678');
    expect(readJson(tree, 'packages/devices/second/package.json').tsvisor.deviceClasses).toEqual(['acme.second-device']);
  });

  it.each(['Demo', 'demo_echo', 'demo.echo', '1demo', '-demo', 'demo-', 'demo--echo', '', ' '])('refuses the name %j, naming the option', (name) => {
    expect(invalidOption(() => normalizeDevicePluginOptions(workspaceTree(), { name })).option).toBe('name');
  });

  it.each(['Demo.Device', 'single', 'demo..device', 'demo.1device', 'demo.device.', '.demo'])('refuses the class id %j, naming the option', (classId) => {
    const error = invalidOption(() => normalizeDevicePluginOptions(workspaceTree(), { name: 'demo', classId }));
    expect(error.option).toBe('classId');
    expect(isDeviceClassId(classId)).toBe(false);
  });

  it.each(['not-a-guid', '0e7c9c4a-1d2b-4f3e-9a8b-7c6d5e4f3a2', '{0e7c9c4a-1d2b-4f3e-9a8b-7c6d5e4f3a2b}', '00000000-0000-0000-0000-000000000000'])(
    'refuses the interface type %j, naming the option',
    (interfaceType) => {
      expect(invalidOption(() => normalizeDevicePluginOptions(workspaceTree(), { name: 'demo', interfaceType })).option).toBe('interfaceType');
    },
  );

  it('refuses a description of more than one line', () => {
    expect(invalidOption(() => normalizeDevicePluginOptions(workspaceTree(), { name: 'demo', description: 'one\ntwo' })).option).toBe('description');
  });

  it('refuses a name or a class id the workspace already has, and writes nothing', async () => {
    const cases: [DevicePluginGeneratorSchema, string, RegExp][] = [
      [{ name: 'integration' }, 'name', /packages\/devices\/integration already exists/],
      [{ name: 'wire' }, 'name', /@tsvisor\/wire is already the package in packages\/wire/],
      [{ name: 'pulse', classId: 'integration.heartbeat' }, 'classId', /already a device class of @tsvisor\/integration/],
    ];
    for (const [schema, option, message] of cases) {
      const tree = workspaceTree();
      const before = tree.listChanges().length;
      await expect(devicePluginGenerator(tree, schema)).rejects.toThrow(message);
      await expect(devicePluginGenerator(tree, schema)).rejects.toMatchObject({ option });
      expect(tree.listChanges()).toHaveLength(before);
    }
  });

  it('tells the user to link the package and sync project references next', () => {
    const steps = nextSteps(normalizeDevicePluginOptions(workspaceTree(), { name: 'demo-echo' }));
    expect(steps).toContain('npm install');
    expect(steps).toContain('npx nx sync');
    expect(steps).toContain('-p @tsvisor/demo-echo');
  });

  // The acceptance test: what the generator writes to disk passes its own tests unchanged.
  it('generates into a temporary workspace a package whose own tests pass', async () => {
    const workspace = await mkdtemp(join(tmpdir(), 'tsvisor-device-plugin-'));
    try {
      await copyFile(join(WORKSPACE_ROOT, 'tsconfig.base.json'), join(workspace, 'tsconfig.base.json'));
      await writeFile(join(workspace, 'package.json'), JSON.stringify({ name: '@tsvisor/source', private: true, type: 'module', workspaces: ['packages/devices/*'] }));
      await writeFile(join(workspace, 'tsconfig.json'), JSON.stringify({ extends: './tsconfig.base.json', files: [], references: [] }));
      // @tsvisor/* resolve through the real workspace's links to their sources (the `@tsvisor/source` condition).
      await symlink(join(WORKSPACE_ROOT, 'node_modules'), join(workspace, 'node_modules'), 'dir');

      const tree = new FsTree(workspace, false);
      await devicePluginGenerator(tree, { name: 'acme-probe' });
      flushChanges(workspace, tree.listChanges());

      const packageDir = join(workspace, 'packages/devices/acme-probe');
      const tests = await run(process.execPath, [join(WORKSPACE_ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(packageDir, 'vitest.config.ts')], packageDir);
      expect(tests, tests.output).toMatchObject({ code: 0 });
      expect(tests.output).toMatch(/Tests\s+\d+ passed/);

      // The generated sources also typecheck under the workspace's strict settings.
      const typecheckConfig = join(workspace, 'tsconfig.typecheck.json');
      await writeFile(
        typecheckConfig,
        JSON.stringify({
          extends: './tsconfig.base.json',
          compilerOptions: { noEmit: true, composite: false, declaration: false, declarationMap: false, incremental: false },
          include: ['packages/devices/acme-probe/src/**/*.ts', 'packages/devices/acme-probe/vitest.config.ts'],
        }),
      );
      const typecheck = await run(process.execPath, [join(WORKSPACE_ROOT, 'node_modules/typescript/bin/tsc'), '-p', typecheckConfig], workspace);
      expect(typecheck, typecheck.output).toMatchObject({ code: 0 });
    } finally {
      await rm(workspace, { recursive: true, force: true });
    }
  });
});

/** Runs a command to its end; resolves with its exit code and everything it printed. */
function run(command: string, args: string[], cwd: string): Promise<{ code: number | null; output: string }> {
  // A clean environment: the child is not a worker of this vitest run.
  const env = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('VITEST') && key !== 'NODE_OPTIONS'));
  return new Promise((resolve) => {
    execFile(command, args, { cwd, env: { ...env, NO_COLOR: '1', CI: 'true' }, maxBuffer: 16 * 1024 * 1024 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}
