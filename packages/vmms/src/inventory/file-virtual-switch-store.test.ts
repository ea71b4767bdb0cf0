import { VirtualSwitchNameTakenError } from '@tsvisor/device-sdk/host';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileVirtualSwitchStore } from './file-virtual-switch-store.js';
import type { VirtualSwitchConfiguration } from './virtual-switch-configuration.js';

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'tsvisor-switches-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

function sampleSwitch(fields: Partial<VirtualSwitchConfiguration> = {}): VirtualSwitchConfiguration {
  return { schemaVersion: 1, name: 'lan', kind: 'private', createdAt: '2026-11-24T08:00:00.000Z', ...fields };
}

describe('FileVirtualSwitchStore', () => {
  it('gives back what was put, from one <name>.json file per switch, and deletes it', async () => {
    const store = new FileVirtualSwitchStore(directory);
    await store.put(sampleSwitch({ notes: 'web tier', maxPorts: 8 }));
    await store.put(sampleSwitch({ name: 'dmz', kind: 'internal' }));

    expect(await readdir(directory)).toEqual(expect.arrayContaining(['lan.json', 'dmz.json']));
    expect(JSON.parse(await readFile(join(directory, 'lan.json'), 'utf8'))).toEqual(sampleSwitch({ notes: 'web tier', maxPorts: 8 }));
    expect((await store.scan()).switches.map((each) => each.name)).toEqual(['dmz', 'lan']);
    expect(await store.delete('dmz')).toBe(true);
    expect(await store.delete('dmz')).toBe(false);
    expect((await store.scan()).switches.map((each) => each.name)).toEqual(['lan']);
  });

  it('never writes an invalid definition, and names the field', async () => {
    const store = new FileVirtualSwitchStore(directory);
    await expect(store.put(sampleSwitch({ maxPorts: 0 }))).rejects.toMatchObject({ name: 'DeviceConfigError', field: 'maxPorts' });
    await expect(store.put({ ...sampleSwitch(), schemaVersion: 2 } as unknown as VirtualSwitchConfiguration)).rejects.toMatchObject({ field: 'schemaVersion' });
    expect(await readdir(directory)).toEqual([]);
  });

  it('refuses a name another switch has in another case, but lets a switch be replaced', async () => {
    const store = new FileVirtualSwitchStore(directory);
    await store.put(sampleSwitch());
    await store.put(sampleSwitch({ notes: 'replaced' }));
    await expect(store.put(sampleSwitch({ name: 'LAN' }))).rejects.toEqual(new VirtualSwitchNameTakenError('LAN', 'lan'));
    expect(await readdir(directory)).toEqual(['lan.json']);
  });

  it('refuses to build a path from what is not a switch name', async () => {
    const store = new FileVirtualSwitchStore(directory);
    await expect(store.delete('../vms/x')).rejects.toMatchObject({ field: 'name' });
    await expect(store.delete('')).rejects.toMatchObject({ field: 'name' });
  });

  it('removes temp files a crash left on scan, and leaves other files alone', async () => {
    await mkdir(directory, { recursive: true });
    await writeFile(join(directory, 'lan.json.0123456789abcdef.tmp'), '{"schemaVersion": 1, "na');
    await writeFile(join(directory, 'README.txt'), 'switch definitions');
    const store = new FileVirtualSwitchStore(directory);

    const scan = await store.scan();

    expect(scan).toEqual({ switches: [], problems: [], removedTempFiles: [join(directory, 'lan.json.0123456789abcdef.tmp')] });
    expect(await readdir(directory)).toEqual(['README.txt']);
  });
});
