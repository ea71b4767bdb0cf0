/**
 * `@tsvisor/device-sdk`: the contract of tsvisor device plugins (DESIGN §5), shared by both
 * sides: device classes, their configuration schemas, pipe-mode framing, and the VMBus channel
 * API a device speaks (re-exported, since device packages see VMBus only through the SDK).
 * Guest-safe. Host pieces are in `./host`, guest pieces in `./guest`, the test bed in `./testing`.
 * @packageDocumentation
 */
export { isDeviceClassId, type DeviceClass, type DeviceChannelSettings } from './device-class.js';
export type { ConfigSchema, ConfigOf, JsonSchema } from './config/config-schema.js';
export { DeviceConfigError } from './config/device-config-error.js';
export { schema } from './config/schema.js';
export type { BuiltSchema } from './config/built-schema.js';
export type { ObjectConfig, ObjectProperties } from './config/object-schema.js';
export { parseByteSize, formatByteSize } from './config/byte-size-schema.js';
export { readPipeMessage, pipePacket, PipeFramer } from './pipe/pipe-message.js';
export { GUEST_CONSOLE_CONNECTION_ID, GUEST_CONSOLE_MESSAGE_TYPE } from './guest-console-port.js';
export {
  Channel,
  ChannelStatus,
  ChannelClosedError,
  IncomingPacket,
  GpaRangeList,
  TransferPageList,
  PIPE_MAX_PAYLOAD,
  type Completion,
  type CompletionReceiver,
  type CompletionTarget,
  type OutgoingPacket,
  type GpaRangeSpec,
  type TransferPageRangeSpec,
  type PageMemory,
} from '@tsvisor/vmbus';
