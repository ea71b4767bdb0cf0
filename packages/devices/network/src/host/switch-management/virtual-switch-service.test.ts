import { DeviceConfigError } from '@tsvisor/device-sdk';
import { VirtualSwitchInUseError, VirtualSwitchManagementContribution, VirtualSwitchNameTakenError, VirtualSwitchNotFoundError } from '@tsvisor/device-sdk/host';
import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import networkHostModule from '../index.js';
import { macAddress } from '../../protocol/mac-address.js';
import { LocalSwitchDirectory } from '../switch-directory/local-switch-directory.js';
import { SwitchDirectory } from '../switch-directory/switch-directory.js';
import { VirtualSwitchService } from './virtual-switch-service.js';

async function host(): Promise<{ service: VirtualSwitchService; directory: LocalSwitchDirectory; container: Container }> {
  const container = new Container();
  await container.load(networkHostModule);
  return { service: container.get(VirtualSwitchService), directory: container.get(LocalSwitchDirectory), container };
}

/** A broadcast frame from `source`: 14 bytes of header and 50 of payload. */
function broadcastFrom(source: number): Uint8Array {
  const frame = new Uint8Array(64).fill(0xff, 0, 6);
  for (let i = 0; i < 6; i++) frame[6 + i] = Math.floor(source / 2 ** (40 - 8 * i)) % 256;
  frame[12] = 0x88;
  frame[13] = 0xb5;
  return frame;
}

describe('VirtualSwitchService', () => {
  it('is the host composition’s switch management, over the directory the adapters attach through', async () => {
    const { service, directory, container } = await host();
    expect(container.get(VirtualSwitchManagementContribution)).toBe(service);
    expect(container.get(SwitchDirectory)).toBe(directory);
    expect(service.kinds()).toEqual(['private', 'internal']);
  });

  it('creates, describes, lists and deletes switches', async () => {
    const { service, directory } = await host();
    expect(await service.create({ name: 'lab', kind: 'private', maxPorts: 8, macAgingSeconds: 60 })).toEqual({ name: 'lab', kind: 'private', ports: [], counters: expect.objectContaining({ framesForwarded: 0 }) as unknown });
    await service.create({ name: 'backbone', kind: 'internal' });
    expect(service.list().map((s) => s.name)).toEqual(['backbone', 'lab']);
    expect(directory.get('lab')?.kind).toBe('private');
    await service.delete('lab');
    expect(service.get('lab')).toBeUndefined();
    expect(service.list().map((s) => s.name)).toEqual(['backbone']);
  });

  it('refuses a name taken in any case, a kind it does not have, and bad fields, naming them', async () => {
    const { service } = await host();
    await service.create({ name: 'Lab', kind: 'private' });
    await expect(service.create({ name: 'lab', kind: 'private' })).rejects.toMatchObject({ constructor: VirtualSwitchNameTakenError, switchName: 'lab', existingName: 'Lab' });
    await expect(service.create({ name: 'wan', kind: 'external' })).rejects.toMatchObject({ constructor: DeviceConfigError, field: 'kind' });
    await expect(service.create({ name: 'a/b', kind: 'private' })).rejects.toMatchObject({ constructor: DeviceConfigError, field: 'name' });
    await expect(service.create({ name: 'big', kind: 'private', maxPorts: 0 })).rejects.toMatchObject({ constructor: DeviceConfigError, field: 'maxPorts' });
    expect(service.list().map((s) => s.name)).toEqual(['Lab']);
  });

  it('shows each port with its VM, MAC, VLAN and counters, and refuses to delete a switch in use', async () => {
    const { service, directory } = await host();
    await service.create({ name: 'lab', kind: 'private' });
    const mac = macAddress('00-15-5D-00-00-0A');
    const received: number[] = [];
    const port = await directory.attach('lab', { name: 'web/nic0', vm: 'web', macAddress: mac, vlan: { mode: 'access', vlanId: 20 }, receiver: { receiveFrame: () => true } });
    const other = await directory.attach('lab', { name: 'db/nic0', vm: 'db', vlan: { mode: 'access', vlanId: 20 }, receiver: { receiveFrame: (_f, _o, length) => received.push(length) > 0 } });
    expect(port.send(broadcastFrom(mac), 0, 64)).toBe(true);
    directory.get('lab')!.pump();
    expect(received).toEqual([64]);
    const status = service.get('lab')!;
    expect(status.ports[0]).toEqual({ name: 'web/nic0', vm: 'web', macAddress: '00-15-5D-00-00-0A', vlan: { mode: 'access', vlanId: 20 }, counters: expect.objectContaining({ framesIn: 1, framesForwarded: 1, queued: 0 }) as unknown });
    expect(status.ports[1]).toMatchObject({ name: 'db/nic0', vm: 'db', counters: { framesOut: 1 } });
    expect(status.counters).toMatchObject({ framesForwarded: 1, flooded: 1 });
    await expect(service.delete('lab')).rejects.toMatchObject({ constructor: VirtualSwitchInUseError, switchName: 'lab', ports: ['web/nic0 (web)', 'db/nic0 (db)'] });
    port.detach();
    other.detach();
    await service.delete('lab');
    await expect(service.delete('lab')).rejects.toBeInstanceOf(VirtualSwitchNotFoundError);
  });
});
