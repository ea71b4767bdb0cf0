import { createGuestRealm, loadIntoGuestRealm, WIRE_SOURCE_ENTRY } from '@tsvisor/wire/testing';
import { runInContext, type Context } from 'node:vm';
import { describe, it, expect } from 'vitest';
import type * as Protocol from './index.js';

const guestRealm = createGuestRealm;

/** Loads this folder's sources, and `@tsvisor/wire`'s, into `realm`. */
function loadProtocol(realm: Context): typeof Protocol {
  return loadIntoGuestRealm(realm, new URL('./index.ts', import.meta.url), { '@tsvisor/wire': WIRE_SOURCE_ENTRY }) as typeof Protocol;
}

describe('on the guest side', () => {
  const realm = guestRealm();
  const protocol = loadProtocol(realm);

  it('runs in a realm without host globals', () => {
    for (const name of ['Buffer', 'TextEncoder', 'TextDecoder', 'process', 'require', 'setTimeout']) {
      expect(runInContext(`typeof ${name}`, realm)).toBe('undefined');
    }
  });

  it('negotiates and answers every service with realm-local code', () => {
    const { icVersion, IC_FRAMEWORK_VERSIONS, KVP_VERSIONS, KvpOperation, KvpPool, KvpValueType } = protocol;
    const request = protocol.buildNegotiateRequest(IC_FRAMEWORK_VERSIONS, KVP_VERSIONS);
    const { outcome } = protocol.answerNegotiate(request, IC_FRAMEWORK_VERSIONS, KVP_VERSIONS);
    expect(structuredClone(outcome)).toEqual({
      agreed: true,
      versions: { framework: icVersion(3, 0), service: icVersion(4, 0) },
    });

    const versions = { framework: icVersion(3, 0), service: icVersion(4, 0) };
    const heartbeat = protocol.answerHeartbeat(protocol.buildHeartbeatRequest(versions, 1n));
    expect(protocol.readHeartbeatResponse(heartbeat, 1n).status).toBe(0);

    const get = { operation: KvpOperation.GET, pool: KvpPool.EXTERNAL, key: 'Clé' } as const;
    const kvp = protocol.answerKvpGet(protocol.buildKvpRequest(versions, get), {
      type: KvpValueType.STRING,
      text: 'välue',
    });
    expect(structuredClone(protocol.readKvpResponse(kvp, get))).toEqual({
      operation: 0,
      status: 0,
      value: { type: 1, text: 'välue' },
    });

    const sample = {
      parentTime: protocol.fileTimeFromUnixMs(1_704_067_200_000),
      vmReferenceTime: 5n,
      flags: 1,
      leapFlags: 0,
      stratum: 2,
    } as const;
    const time = protocol.readTimeSyncRequest(protocol.buildTimeSyncRequest(versions, sample), versions.service);
    expect(protocol.unixMsFromFileTime(time.parentTime)).toBe(1_704_067_200_000);

    const shutdown = protocol.buildShutdownRequest(versions, {
      action: 'hibernate',
      force: false,
      reasonCode: 0,
      timeoutSeconds: 5,
      message: 'zzz',
    });
    expect(structuredClone(protocol.readShutdownRequest(shutdown))).toMatchObject({
      action: 'hibernate',
      message: 'zzz',
    });
  });

  it("reports hostile bytes with the realm's ProtocolError", () => {
    const bad = protocol.buildKvpRequest(
      { framework: protocol.icVersion(3, 0), service: protocol.icVersion(4, 0) },
      { operation: protocol.KvpOperation.DELETE, pool: protocol.KvpPool.GUEST, key: 'k' },
    );
    bad[24] = 3;
    let thrown: unknown;
    try {
      protocol.readKvpRequest(bad);
    } catch (error) {
      thrown = error;
    }
    expect(runInContext('(e) => e.name', realm)(thrown)).toBe('ProtocolError');
    expect((thrown as { path?: string }).path).toBe('keySize');
  });
});
