/**
 * Whole RNDIS messages (PROTOCOLS.md §4): one layout per control message, the decoder
 * {@link readRndisMessage} and the encoder {@link encodeRndisMessage}, for the control path. The
 * data path checks RNDIS_PACKETs in place with `checkRndisPacket` instead.
 *
 * Each layout holds the header and the fixed body. Variable parts (an OID's information buffer, a
 * status buffer) are located by offset/length pairs counted from the end of the header; the
 * encoder puts them right after the fixed body.
 * @module
 */
import { ProtocolError, oneOf, reserved, struct, u32, type Infer, type Layout } from '@tsvisor/wire';
import { RndisMessageType } from './rndis-message-type.js';
import { RNDIS_HEADER_SIZE, RndisMessageHeader, checkRndisSpan, type RndisSpanFields } from './rndis-header.js';
import { RNDIS_PACKET_SIZE, checkRndisPacket, writeRndisPacketHeader, type RndisFrame } from './rndis-packet.js';

/** INITIALIZE: the guest's RNDIS version and the largest message it can take. */
export const RndisInitializeRequest = struct('RndisInitializeRequest', {
  type: oneOf(u32, [RndisMessageType.INITIALIZE]),
  length: u32,
  requestId: u32,
  majorVersion: u32,
  minorVersion: u32,
  maxTransferSize: u32,
});

/**
 * INITIALIZE_COMPLETE: the device's version, flags and medium, and how the guest may batch
 * packets: at most `maxPacketsPerMessage` per message, `maxTransferSize` bytes, each packet
 * aligned to `2 ** packetAlignmentFactor` bytes. The address-family list is for connection-oriented
 * devices only: 0/0 here.
 */
export const RndisInitializeComplete = struct('RndisInitializeComplete', {
  type: oneOf(u32, [RndisMessageType.INITIALIZE_COMPLETE]),
  length: u32,
  requestId: u32,
  status: u32,
  majorVersion: u32,
  minorVersion: u32,
  deviceFlags: u32,
  medium: u32,
  maxPacketsPerMessage: u32,
  maxTransferSize: u32,
  packetAlignmentFactor: u32,
  afListOffset: u32,
  afListSize: u32,
});

/** HALT: the guest stops the device; no completion. */
export const RndisHaltRequest = struct('RndisHaltRequest', {
  type: oneOf(u32, [RndisMessageType.HALT]),
  length: u32,
  requestId: u32,
});

/** QUERY: the value of `oid`; the guest may pass an input buffer (usually empty). */
export const RndisQueryRequest = struct('RndisQueryRequest', {
  type: oneOf(u32, [RndisMessageType.QUERY]),
  length: u32,
  requestId: u32,
  oid: u32,
  informationBufferLength: u32,
  informationBufferOffset: u32,
  deviceVcHandle: u32,
});

/** QUERY_COMPLETE: the status and the OID's value in the information buffer. */
export const RndisQueryComplete = struct('RndisQueryComplete', {
  type: oneOf(u32, [RndisMessageType.QUERY_COMPLETE]),
  length: u32,
  requestId: u32,
  status: u32,
  informationBufferLength: u32,
  informationBufferOffset: u32,
});

/** SET: the new value of `oid`, in the information buffer. */
export const RndisSetRequest = struct('RndisSetRequest', {
  type: oneOf(u32, [RndisMessageType.SET]),
  length: u32,
  requestId: u32,
  oid: u32,
  informationBufferLength: u32,
  informationBufferOffset: u32,
  deviceVcHandle: u32,
});

/** SET_COMPLETE. */
export const RndisSetComplete = struct('RndisSetComplete', {
  type: oneOf(u32, [RndisMessageType.SET_COMPLETE]),
  length: u32,
  requestId: u32,
  status: u32,
});

/** RESET. */
export const RndisResetRequest = struct('RndisResetRequest', {
  type: oneOf(u32, [RndisMessageType.RESET]),
  length: u32,
  reserved: reserved(4),
});

/** RESET_COMPLETE: `addressingReset` 1 asks the guest to set its filters and addresses again. */
export const RndisResetComplete = struct('RndisResetComplete', {
  type: oneOf(u32, [RndisMessageType.RESET_COMPLETE]),
  length: u32,
  status: u32,
  addressingReset: u32,
});

/** INDICATE_STATUS: a status such as media connect, with an optional status buffer. */
export const RndisIndicateStatus = struct('RndisIndicateStatus', {
  type: oneOf(u32, [RndisMessageType.INDICATE_STATUS]),
  length: u32,
  status: u32,
  statusBufferLength: u32,
  statusBufferOffset: u32,
});

/** KEEPALIVE. */
export const RndisKeepaliveRequest = struct('RndisKeepaliveRequest', {
  type: oneOf(u32, [RndisMessageType.KEEPALIVE]),
  length: u32,
  requestId: u32,
});

/** KEEPALIVE_COMPLETE. */
export const RndisKeepaliveComplete = struct('RndisKeepaliveComplete', {
  type: oneOf(u32, [RndisMessageType.KEEPALIVE_COMPLETE]),
  length: u32,
  requestId: u32,
  status: u32,
});

/** A message's value: its layout's fields but the derived ones, plus `extra`. */
type Message<L, Derived extends string, Extra = unknown> = Omit<Infer<L>, 'length' | Derived> & Extra;

/** The information buffer of a QUERY or SET, or of a QUERY_COMPLETE: a copy. */
interface WithInformation {
  readonly information: Uint8Array;
}

type InformationPair = 'informationBufferLength' | 'informationBufferOffset';

/** An RNDIS message as {@link readRndisMessage} decodes it and {@link encodeRndisMessage} takes it. */
export type RndisMessage =
  | {
      readonly type: typeof RndisMessageType.PACKET;
      readonly frame: Uint8Array;
      readonly perPacketInfo: Uint8Array;
    }
  | Message<typeof RndisInitializeRequest, never>
  | Message<typeof RndisInitializeComplete, never>
  | Message<typeof RndisHaltRequest, never>
  | Message<typeof RndisQueryRequest, InformationPair, WithInformation>
  | Message<typeof RndisQueryComplete, InformationPair, WithInformation>
  | Message<typeof RndisSetRequest, InformationPair, WithInformation>
  | Message<typeof RndisSetComplete, never>
  | Message<typeof RndisResetRequest, never>
  | Message<typeof RndisResetComplete, never>
  | Message<
      typeof RndisIndicateStatus,
      'statusBufferLength' | 'statusBufferOffset',
      { readonly statusBuffer: Uint8Array }
    >
  | Message<typeof RndisKeepaliveRequest, never>
  | Message<typeof RndisKeepaliveComplete, never>;

function spanFields<T>(
  layout: Layout<T>,
  offsetField: keyof T & string,
  lengthField: keyof T & string
): RndisSpanFields {
  return {
    layout: layout.name,
    fixedSize: layout.size,
    offsetField,
    offsetFieldAt: layout.offsetOf(offsetField),
    lengthField,
    lengthFieldAt: layout.offsetOf(lengthField),
  };
}

const QUERY_INFORMATION = spanFields(RndisQueryRequest, 'informationBufferOffset', 'informationBufferLength');
const QUERY_COMPLETE_INFORMATION = spanFields(RndisQueryComplete, 'informationBufferOffset', 'informationBufferLength');
const SET_INFORMATION = spanFields(RndisSetRequest, 'informationBufferOffset', 'informationBufferLength');
const STATUS_BUFFER = spanFields(RndisIndicateStatus, 'statusBufferOffset', 'statusBufferLength');

/** The layout of each control message type. */
const LAYOUTS: ReadonlyMap<number, Layout<{ type: number; length: number }>> = new Map<
  number,
  Layout<{ type: number; length: number }>
>([
  [RndisMessageType.INITIALIZE, RndisInitializeRequest],
  [RndisMessageType.INITIALIZE_COMPLETE, RndisInitializeComplete],
  [RndisMessageType.HALT, RndisHaltRequest],
  [RndisMessageType.QUERY, RndisQueryRequest],
  [RndisMessageType.QUERY_COMPLETE, RndisQueryComplete],
  [RndisMessageType.SET, RndisSetRequest],
  [RndisMessageType.SET_COMPLETE, RndisSetComplete],
  [RndisMessageType.RESET, RndisResetRequest],
  [RndisMessageType.RESET_COMPLETE, RndisResetComplete],
  [RndisMessageType.INDICATE_STATUS, RndisIndicateStatus],
  [RndisMessageType.KEEPALIVE, RndisKeepaliveRequest],
  [RndisMessageType.KEEPALIVE_COMPLETE, RndisKeepaliveComplete],
]);

/** A copy of the variable part `fields` locates in `message`, after checking it lies inside. */
function variablePart(fields: RndisSpanFields, message: Uint8Array, offset: number, length: number): Uint8Array {
  checkRndisSpan(fields, 0, message.length, offset, length);
  return message.slice(RNDIS_HEADER_SIZE + offset, RNDIS_HEADER_SIZE + offset + length);
}

/**
 * Decodes the RNDIS message at the start of `bytes` (a receive-buffer range, a send-buffer section
 * or an inband payload). Bytes after the header's `length` are ignored; variable parts are copied.
 * @throws ProtocolError naming the field: a header cut short, an unknown type, a `length` shorter
 * than the message's fixed part or longer than `bytes`, a variable part whose offset points into
 * the fixed part or whose bytes run past the end of the message.
 */
export function readRndisMessage(bytes: Uint8Array): RndisMessage {
  const { type, length } = RndisMessageHeader.decode(bytes);
  if (type === RndisMessageType.PACKET) {
    const frame: RndisFrame = {
      offset: 0,
      length: 0,
      perPacketInfoOffset: 0,
      perPacketInfoLength: 0,
      messageLength: 0,
    };
    checkRndisPacket(new DataView(bytes.buffer, bytes.byteOffset, bytes.length), 0, bytes.length, frame);
    return {
      type,
      frame: bytes.slice(frame.offset, frame.offset + frame.length),
      perPacketInfo: bytes.slice(frame.perPacketInfoOffset, frame.perPacketInfoOffset + frame.perPacketInfoLength),
    };
  }
  const layout = LAYOUTS.get(type)!;
  const lengthFault = (message: string) =>
    new ProtocolError(message, {
      layout: layout.name,
      path: 'length',
      offset: RndisMessageHeader.offsetOf('length'),
    });
  if (length < layout.size)
    throw lengthFault(`message length ${length} is shorter than the ${layout.size}-byte message`);
  if (length > bytes.length) throw lengthFault(`message length ${length} exceeds the ${bytes.length} bytes given`);
  const message = bytes.subarray(0, length);
  switch (type) {
    case RndisMessageType.QUERY: {
      const {
        length: _,
        informationBufferOffset,
        informationBufferLength,
        ...rest
      } = RndisQueryRequest.decode(message);
      return {
        ...rest,
        information: variablePart(QUERY_INFORMATION, message, informationBufferOffset, informationBufferLength),
      };
    }
    case RndisMessageType.QUERY_COMPLETE: {
      const {
        length: _,
        informationBufferOffset,
        informationBufferLength,
        ...rest
      } = RndisQueryComplete.decode(message);
      return {
        ...rest,
        information: variablePart(
          QUERY_COMPLETE_INFORMATION,
          message,
          informationBufferOffset,
          informationBufferLength
        ),
      };
    }
    case RndisMessageType.SET: {
      const { length: _, informationBufferOffset, informationBufferLength, ...rest } = RndisSetRequest.decode(message);
      return {
        ...rest,
        information: variablePart(SET_INFORMATION, message, informationBufferOffset, informationBufferLength),
      };
    }
    case RndisMessageType.INDICATE_STATUS: {
      const { length: _, statusBufferOffset, statusBufferLength, ...rest } = RndisIndicateStatus.decode(message);
      return {
        ...rest,
        statusBuffer: variablePart(STATUS_BUFFER, message, statusBufferOffset, statusBufferLength),
      };
    }
    default: {
      const { length: _, ...rest } = layout.decode(message);
      return rest as RndisMessage;
    }
  }
}

/** `layout` with `value`, `length` bytes long, then `part` at body offset `fixedSize - 8`. */
function encodeWith<T>(layout: Layout<T>, value: T, part: Uint8Array): Uint8Array {
  const bytes = new Uint8Array(layout.size + part.length);
  layout.write(new DataView(bytes.buffer), 0, value);
  bytes.set(part, layout.size);
  return bytes;
}

const NOTHING = new Uint8Array(0);

/**
 * `message` as bytes: its header (with the length computed), its fixed part, then its variable
 * part at body offset "end of the fixed part" (the offset is written even for an empty part, as
 * the Linux driver does).
 * @throws ProtocolError naming the field if a value does not fit it.
 */
export function encodeRndisMessage(message: RndisMessage): Uint8Array {
  switch (message.type) {
    case RndisMessageType.PACKET: {
      const bytes = new Uint8Array(RNDIS_PACKET_SIZE + message.perPacketInfo.length + message.frame.length);
      writeRndisPacketHeader(new DataView(bytes.buffer), 0, message.frame.length, message.perPacketInfo.length);
      bytes.set(message.perPacketInfo, RNDIS_PACKET_SIZE);
      bytes.set(message.frame, RNDIS_PACKET_SIZE + message.perPacketInfo.length);
      return bytes;
    }
    case RndisMessageType.QUERY:
    case RndisMessageType.SET: {
      const layout = message.type === RndisMessageType.QUERY ? RndisQueryRequest : RndisSetRequest;
      return encodeWith<Infer<typeof RndisQueryRequest> | Infer<typeof RndisSetRequest>>(
        layout,
        {
          ...message,
          length: layout.size + message.information.length,
          informationBufferLength: message.information.length,
          informationBufferOffset: layout.size - RNDIS_HEADER_SIZE,
        },
        message.information
      );
    }
    case RndisMessageType.QUERY_COMPLETE:
      return encodeWith(
        RndisQueryComplete,
        {
          ...message,
          length: RndisQueryComplete.size + message.information.length,
          informationBufferLength: message.information.length,
          informationBufferOffset: RndisQueryComplete.size - RNDIS_HEADER_SIZE,
        },
        message.information
      );
    case RndisMessageType.INDICATE_STATUS:
      return encodeWith(
        RndisIndicateStatus,
        {
          ...message,
          length: RndisIndicateStatus.size + message.statusBuffer.length,
          statusBufferLength: message.statusBuffer.length,
          statusBufferOffset: RndisIndicateStatus.size - RNDIS_HEADER_SIZE,
        },
        message.statusBuffer
      );
    default: {
      const layout = LAYOUTS.get(message.type) ?? RndisMessageHeader;
      return encodeWith(layout, { ...message, length: layout.size }, NOTHING);
    }
  }
}
