/**
 * `@tsvisor/network`: networking for tsvisor (PROTOCOLS.md §4). The shared entry holds the wire
 * formats and the `network.synthetic` device class; the host side (`@tsvisor/network/host`) the
 * virtual switch and the netvsp; the guest side (`@tsvisor/network/guest`) the netvsc driver and a
 * small IP stack for guest programs.
 * @packageDocumentation
 */
export * from './protocol/index.js';
export {
  networkSyntheticClass,
  networkVlanConfigSchema,
  NETWORK_SYNTHETIC_INTERFACE_TYPE,
  NETWORK_MIN_MTU,
  NETWORK_MAX_MTU,
  type NetworkAdapterConfig,
} from './network-class.js';
