import { composePlugins, readPluginManifest, type HostComposition } from '@tsvisor/device-sdk/host';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const fixtures = join(dirname(fileURLToPath(import.meta.url)), 'host-file-plugin');

/**
 * The test host: the host-file plugin, from source. Its package (a package.json naming two entries
 * that re-export the fixture's modules) is written into `dir`: a package.json inside the
 * repository would make Nx take the fixture for a project.
 */
export async function hostFileComposition(dir: string): Promise<HostComposition> {
  const packageDir = join(dir, 'host-file-plugin');
  await mkdir(packageDir, { recursive: true });
  await writeFile(
    join(packageDir, 'package.json'),
    JSON.stringify({
      name: '@tsvisor-test/host-file-plugin',
      version: '0.0.0',
      type: 'module',
      tsvisor: { deviceClasses: ['test.host-file', 'test.rogue-worker'], host: './host.ts', guest: './guest.ts' },
    }),
  );
  for (const side of ['host', 'guest']) {
    await writeFile(join(packageDir, `${side}.ts`), `export { default } from ${JSON.stringify(join(fixtures, `${side}.ts`))};\n`);
  }
  const manifest = await readPluginManifest(packageDir);
  if (!manifest) throw new Error('the host-file test plugin has no manifest');
  return composePlugins([manifest], { conditions: ['@tsvisor/source', 'import', 'default'] });
}

/** A VM spec with one host-file device. */
export function hostFileVm(name: string): { id: string; name: string; memoryBytes: number; processors: number; devices: { class: string; instanceId: string; config: object }[] } {
  return {
    id: `00000000-0000-4000-8000-${Buffer.from(name).toString('hex').padStart(12, '0').slice(-12)}`,
    name,
    memoryBytes: 8 * 1024 * 1024,
    processors: 1,
    devices: [{ class: 'test.host-file', instanceId: '11111111-2222-4333-8444-555555555555', config: {} }],
  };
}
