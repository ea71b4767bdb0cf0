import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MacTable } from './mac-table.js';

describe('MacTable', () => {
  it('behaves like a map from (VLAN, MAC) to port under any mix of learning, flushing and aging', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('learn' as const), vlan: fc.integer({ min: 1, max: 3 }), mac: fc.integer({ min: 0, max: 40 }), port: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('flush' as const), port: fc.integer({ min: 0, max: 3 }) }),
      fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 0, max: 60 }) }),
      fc.record({ kind: fc.constant('sweep' as const) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 200 }), (ops) => {
        const table = new MacTable(16, 100);
        const model = new Map<string, { port: number; seen: number }>();
        let now = 0;
        const alive = (seen: number) => now - seen < 100;
        for (const o of ops) {
          if (o.kind === 'learn') {
            const key = `${o.vlan}/${o.mac}`;
            table.learn(o.vlan, 0x155d, o.mac | 0x7000_0000, o.port, now);
            // Aged entries hold their place until a sweep or a lookup removes them; a full table refuses.
            if (model.has(key) || model.size < 16) model.set(key, { port: o.port, seen: now });
          } else if (o.kind === 'flush') {
            table.flushPort(o.port);
            for (const [k, v] of model) if (v.port === o.port) model.delete(k);
          } else if (o.kind === 'tick') {
            now += o.ms;
          } else {
            table.sweep(now);
            for (const [k, v] of model) if (!alive(v.seen)) model.delete(k);
          }
          expect(table.counters.entries).toBe(model.size);
        }
        for (let vlan = 1; vlan <= 3; vlan++) {
          for (let mac = 0; mac <= 40; mac++) {
            const entry = model.get(`${vlan}/${mac}`);
            const expected = entry !== undefined && alive(entry.seen) ? entry.port : -1;
            expect(table.lookup(vlan, 0x155d, mac | 0x7000_0000, now)).toBe(expected);
          }
        }
        expect(table.counters.entries).toBeLessThanOrEqual(16);
      }),
      { numRuns: 300 },
    );
  });
});
