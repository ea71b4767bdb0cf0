/**
 * `@tsvisor/integration`: the Hyper-V integration services as tsvisor device classes (heartbeat,
 * shutdown, time sync, KVP exchange): their wire protocol (PROTOCOLS.md §5) and class
 * descriptions. The host side is in `./host`, the guest side in `./guest`; each entry's default
 * export is the plugin's Inversify ContainerModule.
 * @packageDocumentation
 */
export * from './protocol/index.js';
export { heartbeatClass, type HeartbeatConfig } from './classes/heartbeat-class.js';
export { shutdownClass, type ShutdownConfig } from './classes/shutdown-class.js';
export { timeSyncClass, type TimeSyncConfig } from './classes/timesync-class.js';
export { kvpClass, type KvpConfig } from './classes/kvp-class.js';
