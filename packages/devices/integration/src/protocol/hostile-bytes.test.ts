import { describe, it } from 'vitest';
import fc from 'fast-check';
import { onlyProtocolErrors } from '@tsvisor/wire/testing';
import { IcMessageType, IcStatus } from './icmsg-header.js';
import { icVersion } from './ic-version.js';
import { readIcMessage, readIcRequest, readIcResponse, respondInPlace } from './ic-message.js';
import { IC_FRAMEWORK_VERSIONS, answerNegotiate, buildNegotiateRequest, readNegotiateResponse } from './negotiate.js';
import {
  HEARTBEAT_VERSIONS,
  answerHeartbeat,
  buildHeartbeatRequest,
  readHeartbeatRequest,
  readHeartbeatResponse,
} from './heartbeat.js';
import {
  SHUTDOWN_REASON_PLANNED,
  answerShutdown,
  buildShutdownRequest,
  readShutdownRequest,
  readShutdownResponse,
} from './shutdown.js';
import { answerTimeSync, buildTimeSyncRequest, readTimeSyncRequest, readTimeSyncResponse } from './timesync.js';
import { KvpValueType } from './kvp-value.js';
import {
  KvpOperation,
  KvpPool,
  answerKvp,
  answerKvpEnumerate,
  answerKvpGet,
  buildKvpRequest,
  readKvpRequest,
  readKvpResponse,
  type KvpRequest,
} from './kvp.js';

const v3 = { framework: icVersion(3, 0), service: icVersion(3, 0) };
const v4 = { framework: icVersion(3, 0), service: icVersion(4, 0) };
const offer = { frameworkVersions: IC_FRAMEWORK_VERSIONS, serviceVersions: HEARTBEAT_VERSIONS };
const text = { type: KvpValueType.STRING, text: 'value' } as const;

const kvpRequests: KvpRequest[] = [
  { operation: KvpOperation.GET, pool: KvpPool.EXTERNAL, key: 'key' },
  { operation: KvpOperation.SET, pool: KvpPool.GUEST, key: 'key', value: text },
  { operation: KvpOperation.SET, pool: KvpPool.GUEST, key: 'key', value: { type: KvpValueType.QWORD, value: 7n } },
  { operation: KvpOperation.DELETE, pool: KvpPool.AUTO_EXTERNAL, key: 'key' },
  { operation: KvpOperation.ENUMERATE, pool: KvpPool.AUTO, index: 0 },
];

/** Valid requests and answers of every service: the seeds that mutations start from. */
function seeds(): Uint8Array[] {
  const negotiate = buildNegotiateRequest(IC_FRAMEWORK_VERSIONS, HEARTBEAT_VERSIONS);
  const heartbeat = buildHeartbeatRequest(v3, 1n);
  const shutdown = buildShutdownRequest(v3, {
    action: 'restart',
    force: false,
    reasonCode: SHUTDOWN_REASON_PLANNED,
    timeoutSeconds: 0,
    message: 'm',
  });
  const timeV4 = buildTimeSyncRequest(v4, { parentTime: 1n, vmReferenceTime: 2n, flags: 1, leapFlags: 0, stratum: 0 });
  const timeV3 = buildTimeSyncRequest(v3, { parentTime: 1n, childTime: 0n, roundTripTime: 0n, flags: 2 });
  const kvp = kvpRequests.map((request) => buildKvpRequest(v4, request));
  return [
    negotiate,
    answerNegotiate(negotiate, IC_FRAMEWORK_VERSIONS, HEARTBEAT_VERSIONS).response,
    heartbeat,
    answerHeartbeat(heartbeat),
    shutdown,
    answerShutdown(shutdown, true),
    timeV4,
    answerTimeSync(timeV4, v4.service),
    timeV3,
    ...kvp,
    answerKvpGet(kvp[0]!, text),
    answerKvpEnumerate(kvp[4]!, { key: 'k', value: text }),
    answerKvp(kvp[1]!, IcStatus.S_OK),
  ];
}

/** Every reader of the protocol, on both sides. */
const readers: ReadonlyArray<(bytes: Uint8Array) => unknown> = [
  readIcMessage,
  (bytes) => readIcRequest(bytes),
  (bytes) => readIcResponse(bytes, { messageType: IcMessageType.KVP }),
  (bytes) => respondInPlace(bytes.slice(), IcStatus.S_OK),
  (bytes) => answerNegotiate(bytes, IC_FRAMEWORK_VERSIONS, HEARTBEAT_VERSIONS),
  (bytes) => readNegotiateResponse(bytes, offer),
  readHeartbeatRequest,
  answerHeartbeat,
  (bytes) => readHeartbeatResponse(bytes, 1n),
  readShutdownRequest,
  (bytes) => answerShutdown(bytes, false),
  (bytes) => readShutdownResponse(bytes),
  (bytes) => readTimeSyncRequest(bytes, v4.service),
  (bytes) => readTimeSyncRequest(bytes, v3.service),
  (bytes) => answerTimeSync(bytes, v4.service),
  (bytes) => readTimeSyncResponse(bytes),
  readKvpRequest,
  (bytes) => answerKvp(bytes, IcStatus.E_FAIL),
  (bytes) => answerKvpGet(bytes, text),
  (bytes) => answerKvpEnumerate(bytes, { key: 'k', value: text }),
  ...kvpRequests.map((request) => (bytes: Uint8Array) => readKvpResponse(bytes, request)),
];

/** A seed with a few bytes overwritten (mostly in the headers and size fields) and maybe cut short. */
const mutated: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.constantFrom(...seeds()),
    fc.array(
      fc.tuple(
        fc.oneof(fc.nat({ max: 48 }), fc.nat({ max: 2700 })),
        fc.oneof(fc.nat({ max: 255 }), fc.constantFrom(0, 1, 2, 3, 4, 5, 0xff)),
      ),
      {
        minLength: 1,
        maxLength: 6,
      },
    ),
    fc.option(fc.nat({ max: 2700 }), { nil: undefined }),
  )
  .map(([seed, edits, cut]) => {
    const bytes = seed.slice(0, cut === undefined ? seed.length : Math.min(cut, seed.length));
    for (const [at, value] of edits) if (at < bytes.length) bytes[at] = value;
    return bytes;
  });

describe('hostile bytes', () => {
  it('random bytes into every reader throw nothing but ProtocolError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), (bytes) => {
        for (const read of readers) onlyProtocolErrors(() => read(bytes));
      }),
      { numRuns: 300 },
    );
  });

  it('mutated valid messages into every reader throw nothing but ProtocolError', () => {
    fc.assert(
      fc.property(mutated, (bytes) => {
        for (const read of readers) onlyProtocolErrors(() => read(bytes));
      }),
      { numRuns: 1500 },
    );
  });
});
