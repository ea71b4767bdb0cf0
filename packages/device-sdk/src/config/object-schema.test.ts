import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ConfigOf } from './config-schema.js';
import { DeviceConfigError } from './device-config-error.js';
import { schema } from './schema.js';

const heartbeat = schema.object(
  {
    intervalSeconds: schema.integer({ min: 1, max: 60, default: 5 }),
    timeoutSeconds: schema.integer({ min: 1 }),
    label: schema.optional(schema.string({ maxLength: 16 })),
  },
  { description: 'Heartbeat settings' },
);

function failure(action: () => unknown): Pick<DeviceConfigError, 'field' | 'problem'> {
  try {
    action();
  } catch (error) {
    if (!(error instanceof DeviceConfigError)) throw error;
    return { field: error.field, problem: error.problem };
  }
  throw new Error('expected a DeviceConfigError');
}

describe('schema.object', () => {
  it('infers required, defaulted and optional fields', () => {
    expectTypeOf<ConfigOf<typeof heartbeat>>().toEqualTypeOf<{
      intervalSeconds: number;
      timeoutSeconds: number;
      label?: string | undefined;
    }>();
  });

  it('applies defaults and leaves unset optional fields out', () => {
    const parsed = heartbeat.parse({ timeoutSeconds: 30 });
    expect(parsed).toEqual({ intervalSeconds: 5, timeoutSeconds: 30 });
    expect(Object.keys(parsed)).toEqual(['intervalSeconds', 'timeoutSeconds']);
    expect(heartbeat.parse({ timeoutSeconds: 30, label: 'db', intervalSeconds: 1 })).toEqual({
      intervalSeconds: 1,
      timeoutSeconds: 30,
      label: 'db',
    });
  });

  it('names a missing required field', () => {
    expect(failure(() => heartbeat.parse({}, 'devices[2].config'))).toEqual({
      field: 'devices[2].config.timeoutSeconds',
      problem: 'is required',
    });
  });

  it('names an unknown field and lists the known ones, before complaining of missing ones', () => {
    expect(failure(() => heartbeat.parse({ timeoutSecs: 30 }, 'devices[2].config'))).toEqual({
      field: 'devices[2].config.timeoutSecs',
      problem: 'is not a known field (known fields: intervalSeconds, timeoutSeconds, label)',
    });
    expect(failure(() => heartbeat.parse({ timeoutSeconds: 1, a: 1, 'b c': 2 }))).toEqual({
      field: 'a',
      problem: 'is not a known field (known fields: intervalSeconds, timeoutSeconds, label); nor are "b c"',
    });
  });

  it('does not take inherited properties for fields', () => {
    const withConstructor = schema.object({ constructor: schema.optional(schema.string()) });
    expect(withConstructor.parse({})).toEqual({});
    expect(failure(() => heartbeat.parse(JSON.parse('{"__proto__": {"timeoutSeconds": 1}}')))).toMatchObject({
      field: '__proto__',
    });
  });

  it.each([[null], [[]], ['{}'], [7]])('rejects %j as not an object', (value) => {
    expect(failure(() => heartbeat.parse(value, 'config')).problem).toMatch(/^must be an object, got /);
  });

  it('builds error paths through nested objects and arrays, quoting keys that are not identifiers', () => {
    const vm = schema.object({
      devices: schema.array(schema.object({ class: schema.string(), config: heartbeat })),
      labels: schema.optional(schema.object({ 'owner team': schema.string() })),
    });
    const devices = [{ class: 'a', config: { timeoutSeconds: 1 } }, { class: 'b', config: { timeoutSeconds: 0 } }];
    expect(failure(() => vm.parse({ devices }))).toEqual({
      field: 'devices[1].config.timeoutSeconds',
      problem: 'must be an integer of at least 1, got 0',
    });
    expect(failure(() => vm.parse({ devices: [], labels: { 'owner team': 3 } })).field).toBe('labels["owner team"]');
  });

  it('may be left out when every field may be, and then yields its defaults', () => {
    const settings = schema.object({ enabled: schema.boolean({ default: true }), note: schema.optional(schema.string()) });
    expect(settings.omittable).toBe(true);
    expect(settings.parse(undefined)).toEqual({ enabled: true });
    expect(schema.object({ outer: settings }).parse({})).toEqual({ outer: { enabled: true } });
    expect(heartbeat.omittable).toBe(false);
    expect(failure(() => heartbeat.parse(undefined, 'config')).problem).toBe('must be an object, got nothing');
  });

  it('accepts a hand-written field schema and treats its field as required', () => {
    const upper = { parse: (value: unknown) => String(value).toUpperCase(), jsonSchema: () => ({ type: 'string' }) };
    const named = schema.object({ name: upper });
    expectTypeOf(named.parse({ name: 'a' })).toEqualTypeOf<{ name: string }>();
    expect(named.parse({ name: 'a' })).toEqual({ name: 'A' });
    expect(failure(() => named.parse({}))).toEqual({ field: 'name', problem: 'is required' });
  });

  it('describes itself as a closed object listing its required fields', () => {
    expect(heartbeat.jsonSchema()).toEqual({
      type: 'object',
      properties: {
        intervalSeconds: { type: 'integer', minimum: 1, maximum: 60, default: 5 },
        timeoutSeconds: { type: 'integer', minimum: 1 },
        label: { type: 'string', maxLength: 16 },
      },
      required: ['timeoutSeconds'],
      additionalProperties: false,
      description: 'Heartbeat settings',
    });
    expect(schema.object({}).jsonSchema()).toEqual({ type: 'object', properties: {}, additionalProperties: false });
  });
});
