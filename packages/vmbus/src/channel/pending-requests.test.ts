import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CompletionReceiver } from './completion.js';
import { PendingRequests } from './pending-requests.js';

const receiver = (): CompletionReceiver => ({ completed: () => undefined, abandoned: () => undefined });

describe('PendingRequests', () => {
  it('finds each pending request by its id, and forgets it once', () => {
    const pending = new PendingRequests(8);
    const a = receiver();
    const b = receiver();
    const idA = pending.add(a);
    const idB = pending.add(b);
    expect(idA).not.toBe(idB);
    expect(pending.size).toBe(2);
    expect(pending.get(idB)).toBe(b);
    expect(pending.delete(idA)).toBe(a);
    expect(pending.delete(idA)).toBeUndefined();
    expect(pending.get(idA)).toBeUndefined();
    expect(pending.size).toBe(1);
  });

  it('never matches the id of a forgotten request to the request that reuses its slot', () => {
    const pending = new PendingRequests(1);
    const old = pending.add(receiver());
    pending.delete(old);
    const next = receiver();
    const id = pending.add(next);
    expect(id).not.toBe(old);
    expect(pending.get(old)).toBeUndefined();
    expect(pending.delete(old)).toBeUndefined();
    expect(pending.get(id)).toBe(next);
  });

  it('gives ids that are u32, never 0, and answers nothing for ids it never gave', () => {
    const pending = new PendingRequests(4096);
    for (let i = 0; i < 100_000; i++) {
      const id = pending.add(receiver());
      expect(id >>> 0 === id && id !== 0).toBe(true);
      pending.delete(id);
    }
    for (const id of [0, 1, 4096, 0xffff_ffff, -1, 2 ** 32]) expect(pending.get(id)).toBeUndefined();
  });

  it('clears every pending request, returning their receivers', () => {
    const pending = new PendingRequests(16);
    const receivers = [receiver(), receiver(), receiver()];
    const ids = receivers.map((r) => pending.add(r));
    pending.delete(ids[1]!);
    expect(pending.clear()).toEqual([receivers[0], receivers[2]]);
    expect(pending.size).toBe(0);
    for (const id of ids) expect(pending.get(id)).toBeUndefined();
  });

  it('refuses a capacity out of range', () => {
    for (const capacity of [0, -1, 1.5, 2 ** 30 + 1, Number.NaN]) expect(() => new PendingRequests(capacity)).toThrow(RangeError);
  });

  it('behaves as a map from id to receiver under any sequence of adds and deletes', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.constant<'add'>('add'), fc.nat(40)), { maxLength: 300 }), (steps) => {
        const pending = new PendingRequests(32);
        const model = new Map<number, CompletionReceiver>();
        const issued: number[] = [];
        for (const step of steps) {
          if (step === 'add') {
            if (pending.size === 32) continue;
            const r = receiver();
            const id = pending.add(r);
            expect(model.has(id)).toBe(false);
            model.set(id, r);
            issued.push(id);
          } else if (issued.length !== 0) {
            const id = issued[step % issued.length]!;
            expect(pending.delete(id)).toBe(model.get(id));
            model.delete(id);
          }
          expect(pending.size).toBe(model.size);
        }
        for (const id of issued) expect(pending.get(id)).toBe(model.get(id));
      }),
    );
  });
});
