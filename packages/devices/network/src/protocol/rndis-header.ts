/**
 * The header of every RNDIS message, and the check of the offset/length pairs that locate a
 * message's variable parts (PROTOCOLS.md §4). Such offsets count from the end of the header (the
 * request id, in control messages), as the RNDIS specification and the Linux driver have it.
 * @module
 */
import { ProtocolError, oneOf, struct, u32, type Infer } from '@tsvisor/wire';
import { RndisMessageType } from './rndis-message-type.js';

/** Size of an RNDIS header; variable-part offsets count from the end of it. */
export const RNDIS_HEADER_SIZE = 8;

/** `{ type, length }`: `length` covers the header and everything after it. */
export const RndisMessageHeader = struct('RndisMessageHeader', {
  type: oneOf(u32, Object.values(RndisMessageType)),
  length: u32,
});
/** Value of a {@link RndisMessageHeader}. */
export type RndisMessageHeader = Infer<typeof RndisMessageHeader>;

/** Where one offset/length pair lives in a layout: computed once, so that checks allocate nothing. */
export interface RndisSpanFields {
  /** Name of the message's layout, for errors. */
  readonly layout: string;
  /** Size of the layout, header included: a variable part may not start inside it. */
  readonly fixedSize: number;
  readonly offsetField: string;
  /** Offset of `offsetField` from the start of the message. */
  readonly offsetFieldAt: number;
  readonly lengthField: string;
  /** Offset of `lengthField` from the start of the message. */
  readonly lengthFieldAt: number;
}

function spanFault(fields: RndisSpanFields, onLength: boolean, base: number, message: string): ProtocolError {
  return new ProtocolError(message, {
    layout: fields.layout,
    path: onLength ? fields.lengthField : fields.offsetField,
    offset: base + (onLength ? fields.lengthFieldAt : fields.offsetFieldAt),
  });
}

/**
 * Checks that the `length` bytes at body offset `offset` lie after the fixed part of a message of
 * `messageLength` bytes and inside it. An empty part may have any offset. Allocates nothing unless
 * it throws.
 * @param base - Where the message starts in its buffer, for the error's offset.
 * @throws ProtocolError naming the offset field (it points into the fixed part or past the end)
 * or the length field (the part runs past the end of the message).
 */
export function checkRndisSpan(
  fields: RndisSpanFields,
  base: number,
  messageLength: number,
  offset: number,
  length: number
): void {
  if (length === 0) return;
  if (RNDIS_HEADER_SIZE + offset < fields.fixedSize) {
    throw spanFault(
      fields,
      false,
      base,
      `offset ${offset} points into the ${fields.fixedSize}-byte fixed part of the message`
    );
  }
  if (RNDIS_HEADER_SIZE + offset > messageLength) {
    throw spanFault(fields, false, base, `offset ${offset} is past the end of the ${messageLength}-byte message`);
  }
  if (RNDIS_HEADER_SIZE + offset + length > messageLength) {
    throw spanFault(
      fields,
      true,
      base,
      `${length} bytes at offset ${offset} run past the end of the ${messageLength}-byte message`
    );
  }
}
