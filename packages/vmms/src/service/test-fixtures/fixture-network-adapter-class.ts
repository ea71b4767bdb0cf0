import { schema } from '@tsvisor/device-sdk';
import type { VspFactory as HostVspFactory } from '@tsvisor/device-sdk/host';

/**
 * TEST FIXTURE: a `network.synthetic` device class with the configuration shape of the network
 * plugin's adapter (`switch`, `macAddress`, `vlan`), so that VMs with network adapters can be
 * defined in VMMS tests. Its VSP does nothing; tests that use it never let such a VM reach a worker.
 */
export const fixtureNetworkAdapterFactory: HostVspFactory = {
  deviceClass: {
    id: 'network.synthetic',
    interfaceType: 'f8615163-df3e-46c5-913f-f2d2f965ed0e',
    displayName: 'Network adapter (test fixture)',
    config: schema.object({
      switch: schema.string({ minLength: 1, maxLength: 128 }),
      macAddress: schema.optional(schema.string({ pattern: '^[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}$' })),
      vlan: schema.optional(schema.object({ mode: schema.literal('access'), vlanId: schema.integer({ min: 1, max: 4094 }) })),
    }),
  },
  create: () => ({ start: () => undefined, stop: () => Promise.resolve() }),
};
