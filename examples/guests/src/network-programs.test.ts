import { DEFAULT_ENTRY_CONDITIONS, locatePackage, resolvePackageEntry } from '@tsvisor/device-sdk/host';
import { startDevicePartition, type DevicePartition } from '@tsvisor/device-sdk/testing';
import { LocalSwitchDirectory, NetworkVspFactory } from '@tsvisor/network/host';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

const vms: DevicePartition[] = [];
afterEach(async () => {
  await Promise.all(vms.splice(0).map((vm) => vm.stop()));
});

describe('the network-echo and network-probe guest programs', () => {
  it('ping and exchange UDP over a private switch, and both end with exit code 0', async () => {
    const here = fileURLToPath(new URL('.', import.meta.url));
    const packageDir = await locatePackage('@tsvisor/network', here);
    if (!packageDir) throw new Error('@tsvisor/network is not installed');
    const guestModule = await resolvePackageEntry(packageDir, './guest', ['@tsvisor/source', ...DEFAULT_ENTRY_CONDITIONS]);
    const directory = new LocalSwitchDirectory();
    const lan = directory.create({ name: 'lan', kind: 'private' });
    const plugins = [{ factories: [new NetworkVspFactory(directory)], guestModule }];
    const start = async (program: string, macAddress: string): Promise<DevicePartition> => {
      const vm = await startDevicePartition({ program: join(here, program), plugins, devices: [{ class: 'network.synthetic', config: { switch: 'lan', macAddress } }] });
      vms.push(vm);
      return vm;
    };
    const echo = await start('network-echo.ts', '00-15-5D-00-00-02');
    await echo.waitForConsole('network-echo: 10.0.0.2 (00:15:5d:00:00:02, MTU 1500)\nnetwork-echo: echoing UDP port 7', 20_000);
    const probe = await start('network-probe.ts', '00-15-5D-00-00-01');
    await probe.waitForConsole('network-probe: done: 3 pings and 3 datagrams answered', 20_000);
    await echo.waitForConsole('network-echo: done', 20_000);
    expect(probe.console()).toContain('network-probe: ping 10.0.0.2 #3');
    expect(echo.console()).toContain('network-echo: 10.0.0.1:');
    expect(echo.console()).toContain('says "bye"');
    expect(lan.counters.framesForwarded).toBeGreaterThanOrEqual(2 * (1 + 3 + 3));
    await vi.waitFor(() => expect([probe.partition.state, echo.partition.state]).toEqual(['off', 'off']), { timeout: 20_000 });
    expect(probe.partition.reason).toContain('exit code 0');
    expect(echo.partition.reason).toContain('exit code 0');
  });
});
