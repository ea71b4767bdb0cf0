import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ControlProtocolError } from './control-protocol-error.js';
import { MAX_CONSOLE_REPORT_CHARS, decodeWorkerReport } from './worker-report-decoder.js';

const sample = {
  timestamp: 1,
  memoryBytes: 4096,
  vps: [{ activeMs: 1, elapsedMs: 2 }],
  partition: { messagesSent: 3 },
  devices: { 'a-device': { reads: 4 } },
};

describe('decodeWorkerReport', () => {
  it.each([
    { kind: 'state', state: 'running' },
    { kind: 'state', state: 'failed', reason: 'VP 0: boom' },
    { kind: 'heartbeat', heartbeat: 'lost-communication' },
    { kind: 'devices', devices: [{ class: 'x.y', instanceId: 'id', operations: [{ name: 'op', description: 'does' }] }] },
    { kind: 'console', text: 'hello\n' },
    { kind: 'sample', sample },
    { kind: 'reply', id: 3, ok: true, value: { any: ['json'] } },
    { kind: 'reply', id: 4, ok: false, error: { name: 'DeviceConfigError', message: 'pool: bad', field: 'pool' } },
  ])('accepts $kind reports as they are', (report) => {
    expect(decodeWorkerReport(report)).toEqual(report);
  });

  it.each([
    [null, 'report'],
    [[], 'report'],
    [{ kind: 'nonsense' }, 'kind'],
    [{ kind: 'state', state: 'exploded' }, 'state'],
    [{ kind: 'state', state: 'failed', reason: 'x'.repeat(5000) }, 'reason'],
    [{ kind: 'heartbeat', heartbeat: 'great' }, 'heartbeat'],
    [{ kind: 'console', text: 'x'.repeat(MAX_CONSOLE_REPORT_CHARS + 1) }, 'text'],
    [{ kind: 'console', text: 42 }, 'text'],
    [{ kind: 'sample', sample: { ...sample, memoryBytes: -1 } }, 'sample.memoryBytes'],
    [{ kind: 'sample', sample: { ...sample, vps: [{ activeMs: Number.NaN, elapsedMs: 1 }] } }, 'sample.vps[0].activeMs'],
    [{ kind: 'sample', sample: { ...sample, vps: Array.from({ length: 65 }, () => ({ activeMs: 0, elapsedMs: 0 })) } }, 'sample.vps'],
    [{ kind: 'sample', sample: { ...sample, devices: { d: { c: 'many' } } } }, 'sample.devices.d.c'],
    [{ kind: 'sample', sample: { ...sample, partition: Object.fromEntries(Array.from({ length: 300 }, (_, i) => [`c${i}`, i])) } }, 'sample.partition'],
    [{ kind: 'devices', devices: Array.from({ length: 257 }, () => ({ class: 'a', instanceId: 'b', operations: [] })) }, 'devices'],
    [{ kind: 'devices', devices: [{ class: 'a', instanceId: 'b', operations: [{ name: 1 }] }] }, 'devices[0].operations[0].name'],
    [{ kind: 'reply', id: 0, ok: true }, 'id'],
    [{ kind: 'reply', id: 1.5, ok: true }, 'id'],
    [{ kind: 'reply', id: 1, ok: 'yes' }, 'ok'],
    [{ kind: 'reply', id: 1, ok: false, error: { name: 'E' } }, 'error.message'],
  ])('refuses %j naming %s', (report, field) => {
    const error = (() => {
      try {
        decodeWorkerReport(report);
      } catch (thrown) {
        return thrown;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ControlProtocolError);
    expect(error).toMatchObject({ field });
  });

  it('throws nothing but ControlProtocolError for any JSON-like value', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.record({ kind: fc.constantFrom('state', 'heartbeat', 'devices', 'console', 'sample', 'reply'), state: fc.anything(), sample: fc.anything(), id: fc.anything(), ok: fc.anything(), error: fc.anything(), devices: fc.anything() })), (value) => {
        try {
          decodeWorkerReport(value);
        } catch (error) {
          expect(error).toBeInstanceOf(ControlProtocolError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
