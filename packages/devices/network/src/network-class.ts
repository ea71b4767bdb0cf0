import { DeviceConfigError, schema, type ConfigOf, type ConfigSchema, type DeviceClass } from '@tsvisor/device-sdk';
import { ETHERNET_MTU, MAX_VLAN_ID, MIN_VLAN_ID } from './protocol/ethernet.js';
import { isGroupMac, macAddress } from './protocol/mac-address.js';

/** The VMBus interface type of a synthetic network adapter (PROTOCOLS.md §4). */
export const NETWORK_SYNTHETIC_INTERFACE_TYPE = 'f8615163-df3e-46c5-913f-f2d2f965ed0e';

/** The smallest MTU an adapter may have: IPv4's guaranteed reassembly size. */
export const NETWORK_MIN_MTU = 576;

/** The largest MTU: Hyper-V's jumbo frames (9014-byte frames). */
export const NETWORK_MAX_MTU = 9000;

const vlanId = (description: string) => schema.integer({ min: MIN_VLAN_ID, max: MAX_VLAN_ID, description });

/** The adapter's 802.1Q settings, the shape of the switch's `PortVlanConfig`. */
export const networkVlanConfigSchema = schema.oneOf(
  [
    schema.object({ mode: schema.literal('access'), vlanId: vlanId('The VLAN the adapter belongs to; its frames are untagged.') }),
    schema.object({
      mode: schema.literal('trunk'),
      allowedVlans: schema.array(vlanId('A VLAN carried tagged.'), { minItems: 1, maxItems: MAX_VLAN_ID }),
      nativeVlan: schema.optional(vlanId('The VLAN carried untagged, if any.')),
    }),
  ],
  { description: "Access VLAN (`{ mode: 'access', vlanId }`) or trunk (`{ mode: 'trunk', allowedVlans, nativeVlan? }`); default access VLAN 1." },
);

const adapterConfig = schema.object({
  switch: schema.string({ minLength: 1, maxLength: 128, description: 'Name of the virtual switch the adapter is connected to.' }),
  macAddress: schema.optional(
    schema.string({
      pattern: '^[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(\\1[0-9A-Fa-f]{2}){4}$',
      description: 'Static MAC address, "00-15-5D-01-02-03" or "00:15:5d:01:02:03"; default a stable address in 00-15-5D derived from the VM name and the device instance id.',
    }),
  ),
  vlan: schema.optional(networkVlanConfigSchema),
  macAddressSpoofing: schema.boolean({ default: false, description: 'Let the guest send frames from source addresses other than its own.' }),
  mtu: schema.integer({ min: NETWORK_MIN_MTU, max: NETWORK_MAX_MTU, default: ETHERNET_MTU, description: 'Largest IP packet per frame (1500; up to 9000 for jumbo frames).' }),
  maxReceiveBufferSize: schema.byteSize({ min: '64K', max: '16M', default: '16M', description: 'Largest receive buffer the host maps for the guest.' }),
  maxSendBufferSize: schema.byteSize({ min: '64K', max: '16M', default: '16M', description: 'Largest send buffer the host maps for the guest.' }),
});

/** The configuration of a `network.synthetic` adapter, as parsed (plain data). */
export type NetworkAdapterConfig = ConfigOf<typeof adapterConfig>;

/** The schema: the fields above, a unicast `macAddress`, buffer sizes in whole pages. */
const networkAdapterConfig: ConfigSchema<NetworkAdapterConfig> = {
  parse(value, path = '') {
    const config = adapterConfig.parse(value, path);
    const field = (name: string) => (path ? `${path}.${name}` : name);
    if (config.macAddress !== undefined && isGroupMac(macAddress(config.macAddress))) {
      throw new DeviceConfigError(field('macAddress'), `${config.macAddress} is a group address; an adapter needs a unicast one`);
    }
    for (const name of ['maxReceiveBufferSize', 'maxSendBufferSize'] as const) {
      if (config[name] % 4096 !== 0) throw new DeviceConfigError(field(name), `must be a multiple of 4K, got ${config[name]}`);
    }
    return config;
  },
  jsonSchema: () => adapterConfig.jsonSchema(),
};

/**
 * The synthetic network adapter (`network.synthetic`): a NIC on a host virtual switch, presented
 * to the guest over VMBus (netvsp ↔ netvsc, NVSP and RNDIS). Rings of 128 KiB each way.
 */
export const networkSyntheticClass: DeviceClass<NetworkAdapterConfig> = {
  id: 'network.synthetic',
  interfaceType: NETWORK_SYNTHETIC_INTERFACE_TYPE,
  displayName: 'Network adapter',
  config: networkAdapterConfig,
  // 32 pages (control page included): 128 KiB of ring per direction, room for a long PFN list.
  channel: { ringPages: 32 },
};
