import 'reflect-metadata';
import type { DeviceConfigError } from '@tsvisor/device-sdk';
import { composeHost } from '@tsvisor/device-sdk/host';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { EntropyVspFactory } from './host/entropy-vsp.js';

const REPOSITORY_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));
let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('@acme/tsvisor-entropy in a host build', () => {
  it('is discovered from its package.json manifest and provides acme.entropy, validating its config by field', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsvisor-host-build-'));
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'host-build', version: '1.0.0', type: 'module', dependencies: { '@acme/tsvisor-entropy': '*' } }));
    await symlink(REPOSITORY_MODULES, join(dir, 'node_modules'), 'dir');
    const { manifests, registry, container } = await composeHost({ hostPackageDir: dir, conditions: ['@tsvisor/source', 'import', 'default'] });
    expect(manifests.map((m) => [m.packageName, m.deviceClasses])).toEqual([['@acme/tsvisor-entropy', ['acme.entropy']]]);
    expect(registry.classes().map((c) => c.id)).toEqual(['acme.entropy']);
    // The factory is bound to its own class, so a host build can rebind it in one line.
    expect(container.get(EntropyVspFactory).deviceClass.id).toBe('acme.entropy');
    const vmbus = { offer: () => expect.fail('not started') };
    expect(() =>
      registry.createVsp({ class: 'acme.entropy', config: { bytesPerSecond: 0 }, instanceId: '00000000-0000-4000-8000-000000000001' }, { name: 'vm', vmbus }, 'devices[3]'),
    ).toThrow(expect.objectContaining({ field: 'devices[3].config.bytesPerSecond' }) as DeviceConfigError);
  });
});
