/**
 * NVSP messages (`struct nvsp_message`, PROTOCOLS.md §4): one layout per message, the decoder
 * {@link readNvspMessage} and the encoders {@link writeNvspMessage} / {@link encodeNvspMessage}.
 *
 * Sizes. Each layout is the u32 type and that message's body, packed as Linux packs them (no
 * trailing padding): that is the least a peer must send. On the wire the sender pads every
 * message to the size of the whole union: 28 bytes before NVSP 6.1 for Windows, 40 bytes from
 * 6.1 on and 40 bytes at every version for Linux. We send {@link NVSP_MESSAGE_SIZE} (40) bytes at
 * every version, as Linux does, and accept any length from the layout's size on, ignoring bytes
 * after the body. SEND_INDIRECTION_TABLE alone is longer: the 40-byte message, then the table.
 * @module
 */
import { ProtocolError, array, oneOf, reserved, struct, u16, u32, u64, type Infer } from '@tsvisor/wire';
import { NvspChannelType, NvspMessageType, NvspStatus, NvspSubchannelOperation } from './nvsp-message-type.js';
import { NvspReceiveBufferSection } from './nvsp-buffer.js';

/** Size we send every NVSP message at: the NVSP 6.1 union, as the Linux driver sends. */
export const NVSP_MESSAGE_SIZE = 40;

/** Entries of the send indirection table (`VRSS_SEND_TAB_SIZE`); no other count is valid. */
export const NVSP_SEND_INDIRECTION_TABLE_SIZE = 16;

/** Offset of the send indirection table from the start of the message, where we put it. */
export const NVSP_SEND_INDIRECTION_TABLE_OFFSET = NVSP_MESSAGE_SIZE;

/** Which end of the channel sent a message: a few types mean different things either way. */
export type NvspSender = 'guest' | 'host';

const STATUS = oneOf(u32, Object.values(NvspStatus));

/** The u32 every message starts with; a type NVSP does not define is a `ProtocolError`. */
export const NvspMessageHeader = struct('NvspMessageHeader', {
  type: oneOf(u32, Object.values(NvspMessageType)),
});

/** INIT: the version range the guest proposes. */
export const NvspInit = struct('NvspInit', {
  type: oneOf(u32, [NvspMessageType.INIT]),
  minProtocolVersion: u32,
  maxProtocolVersion: u32,
});

/** INIT_COMPLETE: success with the version proposed, or failure. */
export const NvspInitComplete = struct('NvspInitComplete', {
  type: oneOf(u32, [NvspMessageType.INIT_COMPLETE]),
  /** Deprecated since Windows 7: hosts leave it 0 or repeat the version. */
  negotiatedProtocolVersion: u32,
  maxMdlChainLength: u32,
  status: STATUS,
});

/** SEND_NDIS_VERSION. */
export const NvspSendNdisVersion = struct('NvspSendNdisVersion', {
  type: oneOf(u32, [NvspMessageType.SEND_NDIS_VERSION]),
  ndisMajorVersion: u32,
  ndisMinorVersion: u32,
});

/** SEND_RECEIVE_BUFFER: the buffer's GPADL and its id ({@link NVSP_RECEIVE_BUFFER_ID}). */
export const NvspSendReceiveBuffer = struct('NvspSendReceiveBuffer', {
  type: oneOf(u32, [NvspMessageType.SEND_RECEIVE_BUFFER]),
  gpadlHandle: u32,
  id: u16,
});

/**
 * SEND_RECEIVE_BUFFER_COMPLETE: the status and the one section the union has room for; a failure
 * carries no section (`numSections` 0). No host has ever sent more than one.
 */
export const NvspSendReceiveBufferComplete = struct('NvspSendReceiveBufferComplete', {
  type: oneOf(u32, [NvspMessageType.SEND_RECEIVE_BUFFER_COMPLETE]),
  status: STATUS,
  numSections: oneOf(u32, [0, 1]),
  section: NvspReceiveBufferSection,
});

/** REVOKE_RECEIVE_BUFFER. */
export const NvspRevokeReceiveBuffer = struct('NvspRevokeReceiveBuffer', {
  type: oneOf(u32, [NvspMessageType.REVOKE_RECEIVE_BUFFER]),
  id: u16,
});

/** SEND_SEND_BUFFER: the buffer's GPADL and its id ({@link NVSP_SEND_BUFFER_ID}). */
export const NvspSendSendBuffer = struct('NvspSendSendBuffer', {
  type: oneOf(u32, [NvspMessageType.SEND_SEND_BUFFER]),
  gpadlHandle: u32,
  id: u16,
});

/** SEND_SEND_BUFFER_COMPLETE: the guest chose the buffer's size; the host chooses its sections'. */
export const NvspSendSendBufferComplete = struct('NvspSendSendBufferComplete', {
  type: oneOf(u32, [NvspMessageType.SEND_SEND_BUFFER_COMPLETE]),
  status: STATUS,
  sectionSize: u32,
});

/** REVOKE_SEND_BUFFER. */
export const NvspRevokeSendBuffer = struct('NvspRevokeSendBuffer', {
  type: oneOf(u32, [NvspMessageType.REVOKE_SEND_BUFFER]),
  id: u16,
});

/**
 * SEND_RNDIS_PACKET: the RNDIS message is in send-buffer section `sendBufferSectionIndex`
 * (`sendBufferSectionSize` bytes), or elsewhere if the index is {@link NVSP_SEND_SECTION_INDEX_NONE}.
 * Whether the section exists is for the receiver to check against its buffer.
 */
export const NvspSendRndisPacket = struct('NvspSendRndisPacket', {
  type: oneOf(u32, [NvspMessageType.SEND_RNDIS_PACKET]),
  channelType: oneOf(u32, Object.values(NvspChannelType)),
  sendBufferSectionIndex: u32,
  sendBufferSectionSize: u32,
});

/** SEND_RNDIS_PACKET_COMPLETE. */
export const NvspSendRndisPacketComplete = struct('NvspSendRndisPacketComplete', {
  type: oneOf(u32, [NvspMessageType.SEND_RNDIS_PACKET_COMPLETE]),
  status: STATUS,
});

/** SEND_NDIS_CONFIG: the guest's MTU and {@link NdisConfigCapability} bits. */
export const NvspSendNdisConfig = struct('NvspSendNdisConfig', {
  type: oneOf(u32, [NvspMessageType.SEND_NDIS_CONFIG]),
  mtu: u32,
  reserved: reserved(4),
  capabilities: u64,
});

/** SUBCHANNEL from the guest: how many sub-channels it wants. */
export const NvspSubchannelRequest = struct('NvspSubchannelRequest', {
  type: oneOf(u32, [NvspMessageType.SUBCHANNEL]),
  operation: oneOf(u32, Object.values(NvspSubchannelOperation)),
  numSubchannels: u32,
});

/** SUBCHANNEL from the host: how many it allocated. */
export const NvspSubchannelComplete = struct('NvspSubchannelComplete', {
  type: oneOf(u32, [NvspMessageType.SUBCHANNEL]),
  status: STATUS,
  numSubchannels: u32,
});

/**
 * The fixed part of SEND_INDIRECTION_TABLE: the entry count (always 16) and the table's offset
 * from the start of the message. Linux works around hosts up to NVSP 6.0 that put a wrong offset
 * there; we are the host, write the true one (40) and read the offset as given.
 */
export const NvspSendIndirectionTable = struct('NvspSendIndirectionTable', {
  type: oneOf(u32, [NvspMessageType.SEND_INDIRECTION_TABLE]),
  tableEntryCount: oneOf(u32, [NVSP_SEND_INDIRECTION_TABLE_SIZE]),
  tableOffset: u32,
});

/** The send indirection table: the channel (0 = primary) of each hash bucket. */
export const NvspIndirectionTable = struct('NvspIndirectionTable', {
  entries: array(u32, NVSP_SEND_INDIRECTION_TABLE_SIZE),
});

/** SEND_INDIRECTION_TABLE as decoded: the count and offset are wire details, checked on reading. */
export interface NvspSendIndirectionTableMessage {
  readonly type: typeof NvspMessageType.SEND_INDIRECTION_TABLE;
  /** {@link NVSP_SEND_INDIRECTION_TABLE_SIZE} channel numbers. */
  readonly table: readonly number[];
}

/** A message that may come both ways. */
type NvspEitherWayMessage = Infer<typeof NvspSendRndisPacket> | Infer<typeof NvspSendRndisPacketComplete>;

/** A message a guest sends, as {@link readNvspMessage} decodes it: discriminated by `type`. */
export type NvspGuestMessage =
  | Infer<typeof NvspInit>
  | Infer<typeof NvspSendNdisVersion>
  | Infer<typeof NvspSendReceiveBuffer>
  | Infer<typeof NvspRevokeReceiveBuffer>
  | Infer<typeof NvspSendSendBuffer>
  | Infer<typeof NvspRevokeSendBuffer>
  | Infer<typeof NvspSendNdisConfig>
  | Infer<typeof NvspSubchannelRequest>
  | NvspEitherWayMessage;

/** A message a host sends, as {@link readNvspMessage} decodes it: discriminated by `type`. */
export type NvspHostMessage =
  | Infer<typeof NvspInitComplete>
  | Infer<typeof NvspSendReceiveBufferComplete>
  | Infer<typeof NvspSendSendBufferComplete>
  | Infer<typeof NvspSubchannelComplete>
  | NvspSendIndirectionTableMessage
  | NvspEitherWayMessage;

/** Any NVSP message. */
export type NvspMessage = NvspGuestMessage | NvspHostMessage;

/** Decodes a message of one type from bytes that hold at least its header. */
type Decoder<M> = (bytes: Uint8Array) => M;

const EITHER_WAY: ReadonlyArray<[number, Decoder<NvspEitherWayMessage>]> = [
  [NvspMessageType.SEND_RNDIS_PACKET, (bytes) => NvspSendRndisPacket.decode(bytes)],
  [NvspMessageType.SEND_RNDIS_PACKET_COMPLETE, (bytes) => NvspSendRndisPacketComplete.decode(bytes)],
];

const FROM_GUEST: ReadonlyMap<number, Decoder<NvspGuestMessage>> = new Map<number, Decoder<NvspGuestMessage>>([
  [NvspMessageType.INIT, (bytes) => NvspInit.decode(bytes)],
  [NvspMessageType.SEND_NDIS_VERSION, (bytes) => NvspSendNdisVersion.decode(bytes)],
  [NvspMessageType.SEND_RECEIVE_BUFFER, (bytes) => NvspSendReceiveBuffer.decode(bytes)],
  [NvspMessageType.REVOKE_RECEIVE_BUFFER, (bytes) => NvspRevokeReceiveBuffer.decode(bytes)],
  [NvspMessageType.SEND_SEND_BUFFER, (bytes) => NvspSendSendBuffer.decode(bytes)],
  [NvspMessageType.REVOKE_SEND_BUFFER, (bytes) => NvspRevokeSendBuffer.decode(bytes)],
  [NvspMessageType.SEND_NDIS_CONFIG, (bytes) => NvspSendNdisConfig.decode(bytes)],
  [NvspMessageType.SUBCHANNEL, (bytes) => NvspSubchannelRequest.decode(bytes)],
  ...EITHER_WAY,
]);

const FROM_HOST: ReadonlyMap<number, Decoder<NvspHostMessage>> = new Map<number, Decoder<NvspHostMessage>>([
  [NvspMessageType.INIT_COMPLETE, (bytes) => NvspInitComplete.decode(bytes)],
  [NvspMessageType.SEND_RECEIVE_BUFFER_COMPLETE, (bytes) => NvspSendReceiveBufferComplete.decode(bytes)],
  [NvspMessageType.SEND_SEND_BUFFER_COMPLETE, (bytes) => NvspSendSendBufferComplete.decode(bytes)],
  [NvspMessageType.SUBCHANNEL, (bytes) => NvspSubchannelComplete.decode(bytes)],
  [NvspMessageType.SEND_INDIRECTION_TABLE, readSendIndirectionTable],
  ...EITHER_WAY,
]);

const TABLE_OFFSET = NvspSendIndirectionTable.offsetOf('tableOffset');

/** Decodes SEND_INDIRECTION_TABLE, checking that the table lies after the fixed part, in `bytes`. */
function readSendIndirectionTable(bytes: Uint8Array): NvspSendIndirectionTableMessage {
  const { type, tableOffset } = NvspSendIndirectionTable.decode(bytes);
  const fault = (message: string) =>
    new ProtocolError(message, {
      layout: NvspSendIndirectionTable.name,
      path: 'tableOffset',
      offset: TABLE_OFFSET,
    });
  if (tableOffset < NvspSendIndirectionTable.size) {
    throw fault(`table offset ${tableOffset} overlaps the ${NvspSendIndirectionTable.size}-byte message before it`);
  }
  if (tableOffset + NvspIndirectionTable.size > bytes.length) {
    throw fault(
      `a ${NvspIndirectionTable.size}-byte table at offset ${tableOffset} runs past the ${bytes.length}-byte message`
    );
  }
  return {
    type,
    table: NvspIndirectionTable.decode(bytes, tableOffset).entries,
  };
}

/**
 * Decodes the NVSP message in `bytes` (a VMBus packet's payload), sent by `sender`.
 * Bytes after the message's body are padding and ignored.
 * @throws ProtocolError naming the field: an unknown type, or one `sender` never sends
 * (`NvspMessageHeader.type`), a message shorter than its body, an unknown status or channel type…
 */
export function readNvspMessage(bytes: Uint8Array, sender: 'guest'): NvspGuestMessage;
export function readNvspMessage(bytes: Uint8Array, sender: 'host'): NvspHostMessage;
export function readNvspMessage(bytes: Uint8Array, sender: NvspSender): NvspMessage;
export function readNvspMessage(bytes: Uint8Array, sender: NvspSender): NvspMessage {
  const { type } = NvspMessageHeader.decode(bytes);
  const decode = (sender === 'guest' ? FROM_GUEST : FROM_HOST).get(type);
  if (!decode) {
    throw new ProtocolError(`message type ${type} is never sent by the ${sender}`, {
      layout: NvspMessageHeader.name,
      path: 'type',
      offset: 0,
    });
  }
  return decode(bytes);
}

/** Bytes {@link writeNvspMessage} writes for `message`. */
export function nvspMessageSize(message: NvspMessage): number {
  return message.type === NvspMessageType.SEND_INDIRECTION_TABLE
    ? NVSP_SEND_INDIRECTION_TABLE_OFFSET + NvspIndirectionTable.size
    : NVSP_MESSAGE_SIZE;
}

/**
 * Writes `message` at `offset` of `view`, zero-padded to {@link NVSP_MESSAGE_SIZE} bytes (the
 * indirection table message: the 40-byte message, then the table).
 * @returns The bytes written: {@link nvspMessageSize}.
 * @throws RangeError if they do not fit in `view` at `offset`.
 * @throws ProtocolError naming the field if a value does not fit it (an unknown status, a table
 * that is not 16 entries long…).
 */
export function writeNvspMessage(view: DataView, offset: number, message: NvspMessage): number {
  const size = nvspMessageSize(message);
  new Uint8Array(view.buffer, view.byteOffset + offset, size).fill(0);
  switch (message.type) {
    case NvspMessageType.INIT:
      NvspInit.write(view, offset, message);
      break;
    case NvspMessageType.INIT_COMPLETE:
      NvspInitComplete.write(view, offset, message);
      break;
    case NvspMessageType.SEND_NDIS_VERSION:
      NvspSendNdisVersion.write(view, offset, message);
      break;
    case NvspMessageType.SEND_RECEIVE_BUFFER:
      NvspSendReceiveBuffer.write(view, offset, message);
      break;
    case NvspMessageType.SEND_RECEIVE_BUFFER_COMPLETE:
      NvspSendReceiveBufferComplete.write(view, offset, message);
      break;
    case NvspMessageType.REVOKE_RECEIVE_BUFFER:
      NvspRevokeReceiveBuffer.write(view, offset, message);
      break;
    case NvspMessageType.SEND_SEND_BUFFER:
      NvspSendSendBuffer.write(view, offset, message);
      break;
    case NvspMessageType.SEND_SEND_BUFFER_COMPLETE:
      NvspSendSendBufferComplete.write(view, offset, message);
      break;
    case NvspMessageType.REVOKE_SEND_BUFFER:
      NvspRevokeSendBuffer.write(view, offset, message);
      break;
    case NvspMessageType.SEND_RNDIS_PACKET:
      NvspSendRndisPacket.write(view, offset, message);
      break;
    case NvspMessageType.SEND_RNDIS_PACKET_COMPLETE:
      NvspSendRndisPacketComplete.write(view, offset, message);
      break;
    case NvspMessageType.SEND_NDIS_CONFIG:
      NvspSendNdisConfig.write(view, offset, message);
      break;
    case NvspMessageType.SUBCHANNEL:
      if ('operation' in message) NvspSubchannelRequest.write(view, offset, message);
      else NvspSubchannelComplete.write(view, offset, message);
      break;
    case NvspMessageType.SEND_INDIRECTION_TABLE:
      NvspSendIndirectionTable.write(view, offset, {
        type: message.type,
        tableEntryCount: NVSP_SEND_INDIRECTION_TABLE_SIZE,
        tableOffset: NVSP_SEND_INDIRECTION_TABLE_OFFSET,
      });
      NvspIndirectionTable.write(view, offset + NVSP_SEND_INDIRECTION_TABLE_OFFSET, { entries: [...message.table] });
      break;
    default:
      // Reached only by a caller that bypassed the types.
      NvspMessageHeader.write(view, offset, message);
  }
  return size;
}

/** `message` in a new array of {@link nvspMessageSize} bytes; see {@link writeNvspMessage}. */
export function encodeNvspMessage(message: NvspMessage): Uint8Array {
  const bytes = new Uint8Array(nvspMessageSize(message));
  writeNvspMessage(new DataView(bytes.buffer), 0, message);
  return bytes;
}
