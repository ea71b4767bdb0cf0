import { startDevicePartition, type DevicePartition } from '@tsvisor/device-sdk/testing';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { NetworkVspFactory } from '../../host/netvsp/network-vsp-factory.js';
import type { NetworkVsp } from '../../host/netvsp/network-vsp.js';
import { LocalSwitchDirectory } from '../../host/switch-directory/local-switch-directory.js';
import { connectNic, type TestNic } from '../../test-fixtures/nic-test-bed.js';
import { IpStack } from '../ip/ip-stack.js';
import { ipv4Address } from '../ip/ipv4-address.js';

const here = import.meta.dirname;
let vm: DevicePartition | undefined;
let peer: TestNic | undefined;
let stack: IpStack | undefined;
afterEach(async () => {
  stack?.close();
  await vm?.stop();
  await peer?.bed.close();
  vm = undefined;
  peer = undefined;
  stack = undefined;
});

describe('the netvsc driver in a real partition', () => {
  it('brings the NIC up, pings and echoes UDP with a peer on the same switch, and sees the link go down', async () => {
    const directory = new LocalSwitchDirectory();
    directory.create({ name: 'lab', kind: 'private' });
    // The peer: another NIC on the switch (over the SDK test bed), with an IP stack echoing UDP port 7.
    peer = await connectNic(directory, { switch: 'lab', macAddress: '00-15-5D-00-00-01' });
    stack = new IpStack(peer.adapter, { address: ipv4Address('10.0.0.1'), netmask: ipv4Address('255.255.255.0'), clock: () => 0 });
    const echo = stack.bind(7);
    void (async () => {
      const message = await echo.nextMessage();
      await echo.send(message.address, message.port, message.payload);
    })();
    vm = await startDevicePartition({
      program: join(here, '../../test-fixtures/guests/nic-program.ts'),
      plugins: [{ factories: [new NetworkVspFactory(directory)], guestModule: join(here, '../index.ts') }],
      devices: [{ class: 'network.synthetic', config: { switch: 'lab', macAddress: '00-15-5D-00-00-02', mtu: 4000 } }],
    });
    await vm.waitForConsole('udp echo hello from port 7', 30_000);
    expect(vm.console()).toContain('nic 00:15:5d:00:00:02 mtu 4000 link up');
    expect(vm.console()).toContain('ping ok');
    const nic = vm.vsps[0] as NetworkVsp;
    expect(nic.counters()).toMatchObject({ protocolErrors: 0 });
    expect(nic.counters().framesSent).toBeGreaterThanOrEqual(3);
    expect(directory.list()).toEqual([{ name: 'lab', kind: 'private', ports: 2 }]);
    nic.setLinkUp(false);
    await vm.waitForConsole('link down', 30_000);
  });
});
