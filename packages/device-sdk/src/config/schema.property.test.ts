import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DeviceConfigError } from './device-config-error.js';
import { schema } from './schema.js';

/** A configuration that uses every builder, nested, so that arbitrary input reaches each of them. */
const everything = schema.object({
  count: schema.integer({ min: 0, max: 10, default: 1 }),
  ratio: schema.optional(schema.number({ min: 0, max: 1 })),
  name: schema.string({ minLength: 1, maxLength: 8, pattern: '^[a-z]+$' }),
  mode: schema.string({ enum: ['fast', 'safe'], default: 'safe' }),
  enabled: schema.boolean({ default: false }),
  id: schema.optional(schema.guid()),
  memory: schema.byteSize({ min: '1K', max: '1G', default: '1M' }),
  tags: schema.array(schema.string({ maxLength: 4 }), { maxItems: 3, default: [] }),
  backing: schema.optional(
    schema.oneOf([
      schema.object({ kind: schema.literal('file'), path: schema.string() }),
      schema.object({ kind: schema.literal('memory'), size: schema.byteSize() }),
    ]),
  ),
  nested: schema.object({ deeper: schema.array(schema.object({ value: schema.integer() })) }),
});

/** Mostly-valid configurations: each field is valid or an arbitrary JSON value. */
const nearlyValid = fc.record(
  {
    count: fc.oneof(fc.integer({ min: 0, max: 10 }), fc.jsonValue()),
    ratio: fc.double({ min: 0, max: 1, noNaN: true }),
    name: fc.oneof(fc.stringMatching(/^[a-z]{1,8}$/), fc.jsonValue()),
    mode: fc.constantFrom('fast', 'safe'),
    enabled: fc.boolean(),
    id: fc.oneof(fc.uuid(), fc.uuid().map((id) => `{${id.toUpperCase()}}`)),
    memory: fc.oneof(fc.integer({ min: 1024, max: 2 ** 30 }), fc.constantFrom('1K', '64M', '1G', '2G')),
    tags: fc.array(fc.string({ maxLength: 4 }), { maxLength: 3 }),
    backing: fc.oneof(
      fc.record({ kind: fc.constant('file'), path: fc.string() }),
      fc.record({ kind: fc.constant('memory'), size: fc.constantFrom('4K', 4096, 'x') }),
    ),
    nested: fc.record({ deeper: fc.array(fc.record({ value: fc.integer() })) }),
  },
  { requiredKeys: ['name', 'nested'] },
);

describe('every schema', () => {
  it('throws nothing but DeviceConfigError, whatever JSON it is given', () => {
    fc.assert(
      fc.property(fc.oneof(fc.jsonValue(), nearlyValid), (value) => {
        try {
          everything.parse(value, 'config');
        } catch (error) {
          expect(error).toBeInstanceOf(DeviceConfigError);
          expect((error as DeviceConfigError).field.startsWith('config')).toBe(true);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it('accepts its own output unchanged', () => {
    let accepted = 0;
    fc.assert(
      fc.property(nearlyValid, (value) => {
        let parsed: unknown;
        try {
          parsed = everything.parse(value);
        } catch {
          return;
        }
        accepted++;
        expect(everything.parse(JSON.parse(JSON.stringify(parsed)))).toEqual(parsed);
      }),
      { numRuns: 1000 },
    );
    expect(accepted).toBeGreaterThan(100); // the generator does produce valid configurations
  });
});
