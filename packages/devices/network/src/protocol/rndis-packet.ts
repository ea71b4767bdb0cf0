/**
 * RNDIS_PACKET, the data message of RNDIS (PROTOCOLS.md §4): its layout, an allocation-free check
 * for the data path and a writer of the header of a receive indication built in place.
 * @module
 */
import { ProtocolError, oneOf, reserved, struct, u32, type Infer } from '@tsvisor/wire';
import { RndisMessageType } from './rndis-message-type.js';
import { RNDIS_HEADER_SIZE, checkRndisSpan, type RndisSpanFields } from './rndis-header.js';

/**
 * An RNDIS_PACKET's header and body (`struct rndis_packet` after `{type, length}`, 44 bytes). The
 * frame lies `dataLength` bytes at `dataOffset`, the per-packet information at
 * `perPacketInfoOffset`, both counted from the start of the body (after the 8-byte header).
 */
export const RndisPacket = struct('RndisPacket', {
  type: oneOf(u32, [RndisMessageType.PACKET]),
  length: u32,
  dataOffset: u32,
  dataLength: u32,
  oobDataOffset: u32,
  oobDataLength: u32,
  numOobDataElements: u32,
  perPacketInfoOffset: u32,
  perPacketInfoLength: u32,
  vcHandle: u32,
  reserved: reserved(4),
});
/** Value of a {@link RndisPacket}. */
export type RndisPacket = Infer<typeof RndisPacket>;

/** Size of the fixed part of an RNDIS_PACKET, header included: 44. */
export const RNDIS_PACKET_SIZE = RndisPacket.size;

/** Body offset right after the fixed part: where our per-packet information (or frame) starts. */
const BODY_END = RNDIS_PACKET_SIZE - RNDIS_HEADER_SIZE;

/**
 * Where a checked RNDIS_PACKET's parts lie in the view it was checked in. The data path keeps one
 * and lets {@link checkRndisPacket} fill it, so that checking allocates nothing.
 */
export interface RndisFrame {
  /** Offset of the Ethernet frame in the view. */
  offset: number;
  length: number;
  /** Offset of the per-packet information in the view (meaningless when its length is 0). */
  perPacketInfoOffset: number;
  perPacketInfoLength: number;
  /** The message's `length`, header included: the next message of a batch starts after it, 8-byte aligned. */
  messageLength: number;
}

function spanFields(offsetField: keyof RndisPacket & string, lengthField: keyof RndisPacket & string): RndisSpanFields {
  return {
    layout: RndisPacket.name,
    fixedSize: RNDIS_PACKET_SIZE,
    offsetField,
    offsetFieldAt: RndisPacket.offsetOf(offsetField),
    lengthField,
    lengthFieldAt: RndisPacket.offsetOf(lengthField),
  };
}

const DATA = spanFields('dataOffset', 'dataLength');
const OOB = spanFields('oobDataOffset', 'oobDataLength');
const PER_PACKET_INFO = spanFields('perPacketInfoOffset', 'perPacketInfoLength');
const LENGTH = RndisPacket.offsetOf('length');
const DATA_OFFSET = RndisPacket.offsetOf('dataOffset');
const DATA_LENGTH = RndisPacket.offsetOf('dataLength');
const OOB_DATA_OFFSET = RndisPacket.offsetOf('oobDataOffset');
const OOB_DATA_LENGTH = RndisPacket.offsetOf('oobDataLength');
const NUM_OOB_DATA_ELEMENTS = RndisPacket.offsetOf('numOobDataElements');
const PER_PACKET_INFO_OFFSET = RndisPacket.offsetOf('perPacketInfoOffset');
const PER_PACKET_INFO_LENGTH = RndisPacket.offsetOf('perPacketInfoLength');
const VC_HANDLE = RndisPacket.offsetOf('vcHandle');

function fault(path: keyof RndisPacket & string, at: number, message: string): ProtocolError {
  return new ProtocolError(message, {
    layout: RndisPacket.name,
    path,
    offset: at,
  });
}

/**
 * Checks the RNDIS_PACKET in the `length` bytes at `offset` of `view` (a receive-buffer range or
 * a send-buffer section) and fills `frame` with where its frame and per-packet information lie.
 * The message must carry a frame; bytes after its `length` are ignored. Allocates nothing unless
 * it throws.
 * @returns `frame`.
 * @throws RangeError if `offset` and `length` do not describe bytes of `view`.
 * @throws ProtocolError naming the field: a header cut short, another message type, a `length`
 * shorter than the fixed part or longer than the bytes given, an offset into the fixed part or
 * past the end, a part that runs past the end of the message, an empty frame.
 */
export function checkRndisPacket(view: DataView, offset: number, length: number, frame: RndisFrame): RndisFrame {
  if (
    !Number.isInteger(offset) ||
    !Number.isInteger(length) ||
    offset < 0 ||
    length < 0 ||
    offset + length > view.byteLength
  ) {
    throw new RangeError(`${length} bytes at offset ${offset} are not inside the ${view.byteLength}-byte view`);
  }
  if (length < RNDIS_PACKET_SIZE || view.getUint32(offset, true) !== RndisMessageType.PACKET) {
    // The layout names the field cut short or the wrong type.
    RndisPacket.read(new DataView(view.buffer, view.byteOffset, offset + length), offset);
  }
  const messageLength = view.getUint32(offset + LENGTH, true);
  if (messageLength < RNDIS_PACKET_SIZE) {
    throw fault(
      'length',
      offset + LENGTH,
      `message length ${messageLength} is shorter than the ${RNDIS_PACKET_SIZE}-byte RNDIS_PACKET`
    );
  }
  if (messageLength > length) {
    throw fault('length', offset + LENGTH, `message length ${messageLength} exceeds the ${length} bytes given`);
  }
  const dataOffset = view.getUint32(offset + DATA_OFFSET, true);
  const dataLength = view.getUint32(offset + DATA_LENGTH, true);
  if (dataLength === 0) throw fault('dataLength', offset + DATA_LENGTH, 'the packet carries no frame');
  checkRndisSpan(DATA, offset, messageLength, dataOffset, dataLength);
  checkRndisSpan(
    OOB,
    offset,
    messageLength,
    view.getUint32(offset + OOB_DATA_OFFSET, true),
    view.getUint32(offset + OOB_DATA_LENGTH, true)
  );
  const infoOffset = view.getUint32(offset + PER_PACKET_INFO_OFFSET, true);
  const infoLength = view.getUint32(offset + PER_PACKET_INFO_LENGTH, true);
  checkRndisSpan(PER_PACKET_INFO, offset, messageLength, infoOffset, infoLength);
  frame.offset = offset + RNDIS_HEADER_SIZE + dataOffset;
  frame.length = dataLength;
  frame.perPacketInfoOffset = offset + RNDIS_HEADER_SIZE + infoOffset;
  frame.perPacketInfoLength = infoLength;
  frame.messageLength = messageLength;
  return frame;
}

/**
 * Writes at `offset` the fixed part of an RNDIS_PACKET carrying `perPacketInfoLength` bytes of
 * per-packet information right after it, then a frame of `frameLength` bytes: the caller copies
 * those to `offset + RNDIS_PACKET_SIZE` and `offset + RNDIS_PACKET_SIZE + perPacketInfoLength`.
 * Allocates nothing.
 * @returns The message's length, header included.
 * @throws RangeError if a length is not a non-negative integer or the message does not fit in
 * `view` at `offset`.
 */
export function writeRndisPacketHeader(
  view: DataView,
  offset: number,
  frameLength: number,
  perPacketInfoLength = 0
): number {
  const messageLength = RNDIS_PACKET_SIZE + perPacketInfoLength + frameLength;
  if (
    !Number.isInteger(offset) ||
    !Number.isInteger(frameLength) ||
    !Number.isInteger(perPacketInfoLength) ||
    offset < 0 ||
    frameLength < 0 ||
    perPacketInfoLength < 0 ||
    offset + messageLength > view.byteLength ||
    messageLength > 0xffff_ffff
  ) {
    throw new RangeError(
      `an RNDIS_PACKET of a ${frameLength}-byte frame and ${perPacketInfoLength} bytes of per-packet information does not fit at offset ${offset} of a ${view.byteLength}-byte view`
    );
  }
  view.setUint32(offset, RndisMessageType.PACKET, true);
  view.setUint32(offset + LENGTH, messageLength, true);
  view.setUint32(offset + DATA_OFFSET, BODY_END + perPacketInfoLength, true);
  view.setUint32(offset + DATA_LENGTH, frameLength, true);
  view.setUint32(offset + OOB_DATA_OFFSET, 0, true);
  view.setUint32(offset + OOB_DATA_LENGTH, 0, true);
  view.setUint32(offset + NUM_OOB_DATA_ELEMENTS, 0, true);
  view.setUint32(offset + PER_PACKET_INFO_OFFSET, BODY_END, true);
  view.setUint32(offset + PER_PACKET_INFO_LENGTH, perPacketInfoLength, true);
  view.setUint32(offset + VC_HANDLE, 0, true);
  view.setUint32(offset + VC_HANDLE + 4, 0, true);
  return messageLength;
}
