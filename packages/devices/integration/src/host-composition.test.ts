import 'reflect-metadata';
import type { DeviceConfigError } from '@tsvisor/device-sdk';
import { composeHost } from '@tsvisor/device-sdk/host';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';

const REPOSITORY_MODULES = fileURLToPath(new URL('../../../../node_modules', import.meta.url));
let dir: string | undefined;
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('@tsvisor/integration in a host build', () => {
  it('is discovered from a host package that depends on it, and provides its four classes and their management providers', async () => {
    dir = await mkdtemp(join(tmpdir(), 'tsvisor-host-build-'));
    await writeFile(join(dir, 'package.json'), JSON.stringify({ name: 'host-build', version: '1.0.0', type: 'module', dependencies: { '@tsvisor/integration': '*' } }));
    await symlink(REPOSITORY_MODULES, join(dir, 'node_modules'), 'dir');
    const { manifests, registry, managementProviders } = await composeHost({ hostPackageDir: dir, conditions: ['@tsvisor/source', 'import', 'default'] });
    expect(manifests.map((m) => m.packageName)).toEqual(['@tsvisor/integration']);
    expect(registry.classes().map((c) => c.id).sort()).toEqual(['integration.heartbeat', 'integration.kvp', 'integration.shutdown', 'integration.timesync']);
    expect([...managementProviders.keys()].sort()).toEqual(['integration.heartbeat', 'integration.kvp', 'integration.shutdown', 'integration.timesync']);
    for (const [classId, provider] of managementProviders) expect(provider.classId).toBe(classId);
    const vmbus = { offer: () => expect.fail('not started') };
    expect(() => registry.createVsp({ class: 'integration.heartbeat', config: { intervalMs: 0 }, instanceId: '00000000-0000-4000-8000-000000000001' }, { name: 'vm', vmbus }, 'devices[0]')).toThrow(
      expect.objectContaining({ field: 'devices[0].config.intervalMs' }) as DeviceConfigError,
    );
  });
});
