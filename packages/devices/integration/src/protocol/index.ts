/**
 * The wire protocol of the Hyper-V integration services (heartbeat, shutdown, time sync, KVP):
 * layouts, codecs, version negotiation and the message logic of both sides, as pure functions
 * over the bytes that follow the pipe header (PROTOCOLS.md §5). No I/O, no timers.
 * @packageDocumentation
 */
export * from './ic-version.js';
export * from './icmsg-header.js';
export * from './ic-message.js';
export * from './negotiate.js';
export * from './heartbeat.js';
export * from './shutdown.js';
export * from './timesync.js';
export {
  KVP_MAX_KEY_SIZE,
  KVP_MAX_VALUE_SIZE,
  KvpExchangeValue,
  KvpValueType,
  decodeKvpString,
  encodeKvpString,
  encodeKvpValue,
  kvpExchangeValue,
  readKvpKey,
  readKvpValue,
  type KvpRecord,
  type KvpValue,
} from './kvp-value.js';
export * from './kvp.js';
