/**
 * The virtual switch (issue 7): a learning Ethernet switch with 802.1Q VLANs, a spoofing guard,
 * fair bounded queues and pcap port mirroring, for virtual machines and the host.
 * @module
 */
export { VirtualSwitch } from './virtual-switch.js';
export type { VirtualSwitchOptions } from './virtual-switch-options.js';
export type { VirtualSwitchCounters } from './virtual-switch-counters.js';
export type { SwitchKind } from './switch-kind.js';
export { SwitchPort, type SwitchPortRole } from './switch-port.js';
export type { SwitchPortOptions } from './switch-port-options.js';
export { droppedFrames, type SwitchPortCounters } from './switch-port-counters.js';
export type { FrameReceiver } from './frame-receiver.js';
export { DEFAULT_PORT_VLAN, type PortVlanConfig } from './port-vlan-config.js';
export type { MacTableCounters } from './mac-table.js';
export {
  BROADCAST_MAC,
  formatMac,
  isGroupMac,
  isMacAddress,
  macAddress,
  type MacAddress,
} from '../../protocol/mac-address.js';
export { MAX_VLAN_ID, MIN_VLAN_ID } from '../../protocol/ethernet.js';
export { DEFAULT_MAX_FRAME_SIZE } from './virtual-switch-options.js';
export { PacketCapture, PCAP_LINKTYPE_ETHERNET, PCAP_MAGIC, type PacketCaptureCounters, type PacketCaptureOptions } from './packet-capture.js';
export { systemClock, type SwitchClock } from './switch-clock.js';
export { SwitchStateError } from './switch-state-error.js';
