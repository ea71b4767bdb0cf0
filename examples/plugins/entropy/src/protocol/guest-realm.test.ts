import { createGuestRealm, loadIntoGuestRealm, WIRE_SOURCE_ENTRY } from '@tsvisor/wire/testing';
import { runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type * as Protocol from './index.js';

describe('the entropy protocol on the guest side', () => {
  const realm = createGuestRealm();
  const protocol = loadIntoGuestRealm(realm, new URL('./index.ts', import.meta.url), { '@tsvisor/wire': WIRE_SOURCE_ENTRY }) as typeof Protocol;

  it('builds requests and reads completions with realm-local code only', () => {
    expect(Array.from(protocol.buildGetEntropy(32))).toEqual([1, 0, 0, 0, 32, 0, 0, 0]);
    const completion = new Uint8Array(16);
    protocol.writeEntropyResponseHeader(completion, protocol.EntropyStatus.SUCCESS, 8);
    completion.fill(7, 8);
    expect(Array.from(protocol.readEntropyResponse(completion, 8).data)).toEqual([7, 7, 7, 7, 7, 7, 7, 7]);
  });

  it("reports a bad completion with the realm's ProtocolError", () => {
    let thrown: unknown;
    try {
      protocol.readEntropyResponse(new Uint8Array([0, 0, 0, 0, 9, 0, 0, 0]), 8);
    } catch (error) {
      thrown = error;
    }
    expect(runInContext('(e) => e instanceof Error && e.name', realm)(thrown)).toBe('ProtocolError');
  });
});
