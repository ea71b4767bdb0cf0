import { Container } from 'inversify';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { ManagementProviderContribution, VspFactoryContribution } from '@tsvisor/device-sdk/host';
import { connectNic, type TestNic } from '../../test-fixtures/nic-test-bed.js';
import hostModule from '../index.js';
import { LocalSwitchDirectory } from '../switch-directory/local-switch-directory.js';
import { SwitchDirectory } from '../switch-directory/switch-directory.js';
import { NetworkManagementProvider } from './network-management-provider.js';

let nic: TestNic | undefined;
afterEach(async () => {
  await nic?.bed.close();
  nic = undefined;
});

describe('network management', () => {
  it('shows settings, link state and counters (the port counters prefixed), and pulls the cable', async () => {
    const directory = new LocalSwitchDirectory();
    directory.create({ name: 'lab', kind: 'private' });
    nic = await connectNic(directory, { switch: 'lab', macAddress: '00-15-5D-00-00-0A', vlan: { mode: 'access', vlanId: 10 } });
    const management = new NetworkManagementProvider().manage(nic.vsp);
    const operations = management.operations!;
    const signal = new AbortController().signal;
    expect(await operations['adapter.settings']!.invoke({}, signal)).toEqual({
      switch: 'lab',
      macAddress: '00:15:5d:00:00:0a',
      vlan: { mode: 'access', vlanId: 10 },
      macAddressSpoofing: false,
      mtu: 1500,
      linkUp: true,
      guestReady: true,
    });
    expect(management.counters!()).toMatchObject({ framesSent: 0, linkUp: 1, 'port.framesIn': 0, 'port.droppedSpoofed': 0 });
    const input = operations['adapter.setLink']!.input.parse({ up: false });
    expect(await operations['adapter.setLink']!.invoke(input, signal)).toMatchObject({ linkUp: false });
    await vi.waitFor(() => expect(nic!.adapter.linkUp).toBe(false), { timeout: 10_000 });
    expect(() => operations['adapter.setLink']!.input.parse({ up: 'no' })).toThrow(/up/);
  });

  it('is composed by the host module: one switch directory for the whole host, the factory and the provider contributed', () => {
    const container = new Container();
    container.load(hostModule);
    const directory = container.get(SwitchDirectory);
    expect(directory).toBeInstanceOf(LocalSwitchDirectory);
    expect(container.get(SwitchDirectory)).toBe(directory);
    expect(container.getAll(VspFactoryContribution).map((factory) => factory.deviceClass.id)).toEqual(['network.synthetic']);
    expect(container.getAll(ManagementProviderContribution).map((provider) => provider.classId)).toEqual(['network.synthetic']);
  });
});
