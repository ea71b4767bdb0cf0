import { DeviceConfigError } from '@tsvisor/device-sdk';
import { describe, expect, it } from 'vitest';
import { adapterMacAddress, HYPER_V_OUI } from './host/netvsp/adapter-mac-address.js';
import { formatMac } from './protocol/mac-address.js';
import { networkSyntheticClass } from './network-class.js';

const parse = (value: unknown) => networkSyntheticClass.config.parse(value, 'devices[0].config');

function fieldOf(value: unknown): string {
  try {
    parse(value);
  } catch (error) {
    if (error instanceof DeviceConfigError) return error.field;
    throw error;
  }
  throw new Error('parsed');
}

describe('the network.synthetic class', () => {
  it('has the interface GUID of PROTOCOLS.md §4', () => {
    expect(networkSyntheticClass.interfaceType).toBe('f8615163-df3e-46c5-913f-f2d2f965ed0e');
    expect(networkSyntheticClass.id).toBe('network.synthetic');
  });

  it('fills in defaults: MTU 1500, no spoofing, 16 MiB buffer limits', () => {
    expect(parse({ switch: 'lab' })).toEqual({ switch: 'lab', macAddressSpoofing: false, mtu: 1500, maxReceiveBufferSize: 16 << 20, maxSendBufferSize: 16 << 20 });
  });

  it('takes MAC addresses in dash and colon form, access and trunk VLANs, jumbo MTUs', () => {
    expect(parse({ switch: 'lab', macAddress: '00-15-5D-01-02-03', mtu: 9000, vlan: { mode: 'access', vlanId: 10 } })).toMatchObject({ macAddress: '00-15-5D-01-02-03', mtu: 9000, vlan: { mode: 'access', vlanId: 10 } });
    expect(parse({ switch: 'lab', macAddress: '00:15:5d:01:02:03', vlan: { mode: 'trunk', allowedVlans: [10, 20], nativeVlan: 1 } }).vlan).toEqual({ mode: 'trunk', allowedVlans: [10, 20], nativeVlan: 1 });
  });

  it.each([
    [{}, 'devices[0].config.switch'],
    [{ switch: '' }, 'devices[0].config.switch'],
    [{ switch: 'lab', macAddress: '00:15:5d:01:02' }, 'devices[0].config.macAddress'],
    [{ switch: 'lab', macAddress: '00:15-5d:01:02:03' }, 'devices[0].config.macAddress'],
    [{ switch: 'lab', macAddress: '01:00:5e:00:00:01' }, 'devices[0].config.macAddress'],
    [{ switch: 'lab', mtu: 9001 }, 'devices[0].config.mtu'],
    [{ switch: 'lab', mtu: 100 }, 'devices[0].config.mtu'],
    [{ switch: 'lab', vlan: { mode: 'access', vlanId: 4095 } }, 'devices[0].config.vlan.vlanId'],
    [{ switch: 'lab', macAddressSpoofing: 'yes' }, 'devices[0].config.macAddressSpoofing'],
    [{ switch: 'lab', maxReceiveBufferSize: '32M' }, 'devices[0].config.maxReceiveBufferSize'],
    [{ switch: 'lab', maxSendBufferSize: 65536 + 512 }, 'devices[0].config.maxSendBufferSize'],
    [{ switch: 'lab', speed: 10 }, 'devices[0].config.speed'],
  ])('refuses %j naming %s', (value, field) => {
    expect(fieldOf(value)).toBe(field);
  });

  it('derives a stable MAC in 00-15-5D from the VM name and instance id when none is configured', () => {
    const a = adapterMacAddress(undefined, 'vm1', '00000000-0000-4000-8000-000000000001');
    expect(Math.floor(a / 2 ** 24)).toBe(HYPER_V_OUI);
    expect(adapterMacAddress(undefined, 'vm1', '00000000-0000-4000-8000-000000000001'.toUpperCase())).toBe(a);
    expect(adapterMacAddress(undefined, 'vm2', '00000000-0000-4000-8000-000000000001')).not.toBe(a);
    expect(adapterMacAddress(undefined, 'vm1', '00000000-0000-4000-8000-000000000002')).not.toBe(a);
    expect(formatMac(adapterMacAddress('00-15-5D-0A-0B-0C', 'vm1', 'x'))).toBe('00:15:5d:0a:0b:0c');
  });
});
