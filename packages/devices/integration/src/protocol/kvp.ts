/**
 * The key-value pair exchange service (KVP): the host gets, sets, deletes and enumerates string
 * (or DWORD/QWORD) values in pools of the guest, one transaction at a time. Byte-exact per
 * PROTOCOLS.md §5 (`struct hv_kvp_msg`: a 4-byte header, then the body of the operation).
 *
 * Every request body is {@link KVP_MESSAGE_SIZE} bytes, the size of the C union, whatever the
 * operation; the guest answers in place: GET fills the value, ENUMERATE fills key and value,
 * SET and DELETE only set the status. A failure status leaves the body as the host sent it; the
 * end of an enumeration is NO_MORE_ITEMS.
 * @module
 */
import { ProtocolError, bytes, oneOf, reserved, struct, u8, u32, type Infer } from '@tsvisor/wire';
import { IC_HEADER_SIZE, IcMessageType, IcStatus } from './icmsg-header.js';
import { buildIcRequest, buildIcResponse, readIcRequest, readIcResponse, type IcMessage } from './ic-message.js';
import { icVersion, type IcVersion, type NegotiatedVersions } from './ic-version.js';
import {
  KVP_MAX_KEY_SIZE,
  KvpExchangeValue,
  decodeSizedString,
  encodeKvpString,
  encodeKvpValue,
  kvpExchangeValue,
  readKvpKey,
  readKvpValue,
  sizedField,
  type KvpRecord,
  type KvpValue,
} from './kvp-value.js';

/** Interface type GUID of the KVP channel. */
export const KVP_INTERFACE_ID = 'a9a0f4e7-5a45-4d96-b827-8a841e8c03e6';

/** KVP message versions, newest first. */
export const KVP_VERSIONS: readonly IcVersion[] = [icVersion(4, 0), icVersion(3, 0)];

/** Operations of {@link KvpHeader.operation} (`enum hv_kvp_exchg_op`; 4 and 5, IP injection, are not supported). */
export const KvpOperation = {
  /** Read the value of a key. */
  GET: 0,
  /** Write the value of a key. */
  SET: 1,
  /** Remove a key. */
  DELETE: 2,
  /** Read the record at an index; the host counts up from 0 until the guest answers a failure. */
  ENUMERATE: 3,
} as const;

/** An operation code: one of the values of {@link KvpOperation}. */
export type KvpOperation = (typeof KvpOperation)[keyof typeof KvpOperation];

/**
 * Pools of {@link KvpHeader.pool} (`enum hv_kvp_exchg_pool`). The Linux daemon keeps one store per
 * pool (`/var/lib/hyperv/.kvp_pool_<n>`), answers ENUMERATE of AUTO with values it generates and
 * every other operation from the pool's store.
 */
export const KvpPool = {
  /** Items the host sets in the guest (Hyper-V's `HostExchangeItems`). */
  EXTERNAL: 0,
  /** Items the guest publishes; the host reads them with ENUMERATE (`GuestExchangeItems`). */
  GUEST: 1,
  /** Items the guest generates (FQDN, OS name, addresses…); the host reads them with ENUMERATE (`GuestIntrinsicExchangeItems`). */
  AUTO: 2,
  /** Facts the host sets about itself (host name, VM name…). */
  AUTO_EXTERNAL: 3,
  /** Kept inside the guest; defined, but not exchanged by Hyper-V. */
  AUTO_INTERNAL: 4,
} as const;

/** A pool code: one of the values of {@link KvpPool}. */
export type KvpPool = (typeof KvpPool)[keyof typeof KvpPool];

/** The header of every KVP body (`struct hv_kvp_hdr`, 4 bytes). */
export const KvpHeader = struct('KvpHeader', {
  operation: oneOf(u8, Object.values(KvpOperation)),
  pool: oneOf(u8, Object.values(KvpPool)),
  padding: reserved(2),
});
/** Value of a {@link KvpHeader}. */
export type KvpHeader = Infer<typeof KvpHeader>;

/** The body of a DELETE (`struct hv_kvp_msg_delete`, 516 bytes): the key alone. */
export const KvpDelete = struct('KvpDelete', {
  keySize: u32,
  key: bytes(KVP_MAX_KEY_SIZE),
});
/** Value of a {@link KvpDelete}. */
export type KvpDelete = Infer<typeof KvpDelete>;

/** The body of an ENUMERATE (`struct hv_kvp_msg_enumerate`, 2576 bytes): an index and the record. */
export const KvpEnumerate = struct('KvpEnumerate', {
  index: u32,
  data: KvpExchangeValue,
});
/** Value of a {@link KvpEnumerate}. */
export type KvpEnumerate = Infer<typeof KvpEnumerate>;

/** Size of every KVP body the host sends: the header and the largest operation body (ENUMERATE). */
export const KVP_MESSAGE_SIZE = KvpHeader.size + KvpEnumerate.size;

/** Offset of the operation body from the start of the message. */
const OP_BODY = IC_HEADER_SIZE + KvpHeader.size;

/** Offset of the record of an ENUMERATE from the start of the message. */
const ENUMERATED = OP_BODY + KvpEnumerate.offsetOf('data');

/** A KVP request, as typed values. */
export type KvpRequest =
  | { readonly operation: typeof KvpOperation.GET; readonly pool: KvpPool; readonly key: string }
  | {
      readonly operation: typeof KvpOperation.SET;
      readonly pool: KvpPool;
      readonly key: string;
      readonly value: KvpValue;
    }
  | { readonly operation: typeof KvpOperation.DELETE; readonly pool: KvpPool; readonly key: string }
  | { readonly operation: typeof KvpOperation.ENUMERATE; readonly pool: KvpPool; readonly index: number };

/**
 * What the guest answered. `value` (GET) and `record` (ENUMERATE) are present when the status is
 * S_OK; an ENUMERATE answered NO_MORE_ITEMS ends the enumeration.
 */
export type KvpResponse =
  | { readonly operation: typeof KvpOperation.GET; readonly status: number; readonly value?: KvpValue }
  | { readonly operation: typeof KvpOperation.SET | typeof KvpOperation.DELETE; readonly status: number }
  | { readonly operation: typeof KvpOperation.ENUMERATE; readonly status: number; readonly record?: KvpRecord };

/**
 * Host side: a KVP request; its body is {@link KVP_MESSAGE_SIZE} bytes whatever the operation.
 * @param versions - The versions negotiated on the channel.
 * @param transactionId - The id the answer must carry (default 0).
 * @throws RangeError if the key or a string value does not fit with its NUL, or has a NUL inside.
 * @throws ProtocolError if a number does not fit its field (an index above 2^32 - 1…).
 */
export function buildKvpRequest(versions: NegotiatedVersions, request: KvpRequest, transactionId = 0): Uint8Array {
  const body = new Uint8Array(KVP_MESSAGE_SIZE);
  const view = new DataView(body.buffer);
  KvpHeader.write(view, 0, { operation: request.operation, pool: request.pool });
  switch (request.operation) {
    case KvpOperation.GET:
      KvpExchangeValue.write(view, KvpHeader.size, kvpExchangeValue(request.key));
      break;
    case KvpOperation.SET:
      KvpExchangeValue.write(view, KvpHeader.size, kvpExchangeValue(request.key, request.value));
      break;
    case KvpOperation.DELETE: {
      const key = encodeKvpString(request.key, KVP_MAX_KEY_SIZE);
      KvpDelete.write(view, KvpHeader.size, { keySize: key.length, key });
      break;
    }
    case KvpOperation.ENUMERATE:
      KvpEnumerate.write(view, KvpHeader.size, {
        index: request.index,
        data: { valueType: 0, keySize: 0, valueSize: 0, key: new Uint8Array(0), value: new Uint8Array(0) },
      });
      break;
  }
  return buildIcRequest({ messageType: IcMessageType.KVP, versions, transactionId }, body);
}

/** The operation body of a KVP request, validated; the header has been read. */
function readRequestBody(message: IcMessage, header: KvpHeader): KvpRequest {
  const { pool } = header;
  switch (header.operation) {
    case KvpOperation.GET:
      return {
        operation: header.operation,
        pool,
        key: readKvpKey(KvpExchangeValue.decode(message.bytes, OP_BODY), OP_BODY),
      };
    case KvpOperation.SET: {
      const record = KvpExchangeValue.decode(message.bytes, OP_BODY);
      return {
        operation: header.operation,
        pool,
        key: readKvpKey(record, OP_BODY),
        value: readKvpValue(record, OP_BODY),
      };
    }
    case KvpOperation.DELETE: {
      const { keySize, key } = KvpDelete.decode(message.bytes, OP_BODY);
      return { operation: header.operation, pool, key: readDeleteKey(key, keySize) };
    }
    case KvpOperation.ENUMERATE: {
      const { index } = KvpEnumerate.decode(message.bytes, OP_BODY);
      return { operation: header.operation, pool, index };
    }
  }
}

/** The key of a DELETE body, validated like a record's key. */
function readDeleteKey(key: Uint8Array, keySize: number): string {
  return decodeSizedString(key, keySize, sizedField(KvpDelete, OP_BODY, 'keySize', 'key'));
}

/** Reads the KVP request in `request` and its header. */
function readRequest(request: Uint8Array): { message: IcMessage; header: KvpHeader; kvp: KvpRequest } {
  const message = readIcRequest(request, IcMessageType.KVP);
  const header = KvpHeader.decode(message.bytes, IC_HEADER_SIZE);
  return { message, header, kvp: readRequestBody(message, header) };
}

/**
 * Guest side: the typed request in a KVP message. Keys and values are validated: even sizes that
 * fit their fields, a terminating NUL and none before, a known value type.
 * @throws ProtocolError naming the faulty field.
 */
export function readKvpRequest(request: Uint8Array): KvpRequest {
  return readRequest(request).kvp;
}

function wrongOperation(expected: string, header: KvpHeader): ProtocolError {
  return new ProtocolError(`this answer is for ${expected} requests, the request has operation ${header.operation}`, {
    layout: KvpHeader.name,
    path: 'operation',
    offset: IC_HEADER_SIZE + KvpHeader.offsetOf('operation'),
  });
}

/**
 * Guest side: the successful answer to a GET: the request with `value` written into its record
 * (the key stays), status S_OK.
 * @throws ProtocolError if `request` is not a valid GET request.
 * @throws RangeError if a string value does not fit, or a number is out of range.
 */
export function answerKvpGet(request: Uint8Array, value: KvpValue): Uint8Array {
  const { message, header } = readRequest(request);
  if (header.operation !== KvpOperation.GET) throw wrongOperation('GET', header);
  const response = buildIcResponse(message, IcStatus.S_OK);
  const view = new DataView(response.buffer);
  const record = KvpExchangeValue.read(view, OP_BODY);
  KvpExchangeValue.write(view, OP_BODY, { ...record, ...encodeKvpValue(value) });
  return response;
}

/**
 * Guest side: the successful answer to an ENUMERATE: the request with `record` written at its
 * index, status S_OK. Answer the first index past the last record with
 * `answerKvp(request, IcStatus.NO_MORE_ITEMS)`.
 * @throws ProtocolError if `request` is not a valid ENUMERATE request.
 * @throws RangeError if the key or a string value does not fit, or a number is out of range.
 */
export function answerKvpEnumerate(request: Uint8Array, record: KvpRecord): Uint8Array {
  const { message, header } = readRequest(request);
  if (header.operation !== KvpOperation.ENUMERATE) throw wrongOperation('ENUMERATE', header);
  const response = buildIcResponse(message, IcStatus.S_OK);
  KvpExchangeValue.write(new DataView(response.buffer), ENUMERATED, kvpExchangeValue(record.key, record.value));
  return response;
}

/**
 * Guest side: an answer carrying only a status, the body echoed: S_OK for a SET or DELETE done,
 * NO_MORE_ITEMS past the end of an enumeration, E_FAIL (or another HRESULT) for any failure.
 * @throws ProtocolError if `request` is not a valid KVP request.
 */
export function answerKvp(request: Uint8Array, status: number): Uint8Array {
  return buildIcResponse(readRequest(request).message, status);
}

function echoFault(field: 'operation' | 'pool', expected: number, actual: number): ProtocolError {
  return new ProtocolError(`the answer's ${field} ${actual} does not echo the request's ${expected}`, {
    layout: KvpHeader.name,
    path: field,
    offset: IC_HEADER_SIZE + KvpHeader.offsetOf(field),
  });
}

/**
 * Host side: reads the guest's answer to `request`. The answer must echo the request's operation,
 * pool and (for ENUMERATE) index; on S_OK, a GET answer carries a valid value and an ENUMERATE
 * answer a valid record.
 * @param transactionId - The transaction id of the request (default 0).
 * @throws ProtocolError naming the faulty field.
 */
export function readKvpResponse(response: Uint8Array, request: KvpRequest, transactionId = 0): KvpResponse {
  const message = readIcResponse(response, { messageType: IcMessageType.KVP, transactionId });
  const header = KvpHeader.decode(message.bytes, IC_HEADER_SIZE);
  if (header.operation !== request.operation) throw echoFault('operation', request.operation, header.operation);
  if (header.pool !== request.pool) throw echoFault('pool', request.pool, header.pool);
  const { status } = message.header;
  const ok = status === IcStatus.S_OK;
  switch (request.operation) {
    case KvpOperation.GET: {
      if (!ok) return { operation: request.operation, status };
      const record = KvpExchangeValue.decode(message.bytes, OP_BODY);
      return { operation: request.operation, status, value: readKvpValue(record, OP_BODY) };
    }
    case KvpOperation.SET:
    case KvpOperation.DELETE:
      return { operation: request.operation, status };
    case KvpOperation.ENUMERATE: {
      const { index, data } = KvpEnumerate.decode(message.bytes, OP_BODY);
      if (index !== request.index) {
        throw new ProtocolError(`the answer's index ${index} does not echo the request's ${request.index}`, {
          layout: KvpEnumerate.name,
          path: 'index',
          offset: OP_BODY + KvpEnumerate.offsetOf('index'),
        });
      }
      if (!ok) return { operation: request.operation, status };
      return {
        operation: request.operation,
        status,
        record: { key: readKvpKey(data, ENUMERATED), value: readKvpValue(data, ENUMERATED) },
      };
    }
  }
}
