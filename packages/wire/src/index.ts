/**
 * `@tsvisor/wire`: a typed binary struct codec for the VMBus protocol family, with GUID helpers,
 * CRC-32C and `ProtocolError`. Plain JavaScript only, so it also runs in guest `node:vm` contexts.
 * @packageDocumentation
 */
export { ProtocolError, type ProtocolErrorDetails } from './protocol-error.js';
export {
  array,
  bytes,
  guid,
  i32,
  oneOf,
  reserved,
  u8,
  u16,
  u16be,
  u32,
  u32be,
  u64,
  u64be,
  utf16,
  type FieldType,
  type Infer,
  type ReservedField,
} from './field-types.js';
export { struct, type Layout } from './struct.js';
export { formatGuid, isGuid, parseGuid, type Guid } from './guid.js';
export { crc32c } from './crc32c.js';
export { decodeUtf8, encodeUtf8 } from './utf8.js';
export { readU32LE } from './little-endian.js';
