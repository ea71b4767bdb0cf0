import { describe, expect, expectTypeOf, it } from 'vitest';
import type { ConfigOf } from './config-schema.js';
import { DeviceConfigError } from './device-config-error.js';
import { schema } from './schema.js';

describe('schema.optional', () => {
  it('yields undefined for nothing and the inner value otherwise, rejecting null', () => {
    const label = schema.optional(schema.string());
    expectTypeOf(label.parse('x')).toEqualTypeOf<string | undefined>();
    expect(label.parse(undefined)).toBeUndefined();
    expect(label.parse('x')).toBe('x');
    expect(() => label.parse(null, 'label')).toThrow('label: must be a string, got null');
    expect(label.jsonSchema()).toEqual({ type: 'string' });
  });
});

describe('schema.literal', () => {
  it('accepts exactly its value', () => {
    const raw = schema.literal('raw');
    expectTypeOf(raw.parse('raw')).toEqualTypeOf<'raw'>();
    expect(raw.parse('raw')).toBe('raw');
    expect(() => raw.parse('RAW', 'kind')).toThrow('kind: must be "raw", got "RAW"');
    expect(schema.literal(3).jsonSchema()).toEqual({ const: 3 });
  });
});

describe('schema.oneOf', () => {
  const backing = schema.oneOf([
    schema.object({ kind: schema.literal('file'), path: schema.string({ minLength: 1 }) }),
    schema.object({ kind: schema.literal('memory'), size: schema.byteSize() }),
  ]);

  it('yields the first alternative that fits, typed as the union', () => {
    expectTypeOf<ConfigOf<typeof backing>>().toEqualTypeOf<{ kind: 'file'; path: string } | { kind: 'memory'; size: number }>();
    expect(backing.parse({ kind: 'memory', size: '1M' })).toEqual({ kind: 'memory', size: 1024 * 1024 });
    expect(backing.parse({ kind: 'file', path: 'a.vhdx' })).toEqual({ kind: 'file', path: 'a.vhdx' });
  });

  it('reports the error of the alternative that got deepest into the value', () => {
    const nested = schema.oneOf([schema.integer(), schema.object({ limits: schema.object({ iops: schema.integer({ min: 1 }) }) })]);
    expect(() => nested.parse({ limits: { iops: 0 } }, 'qos')).toThrow(
      new DeviceConfigError('qos.limits.iops', 'must be an integer of at least 1, got 0'),
    );
  });

  it('lists the problems of every alternative that got equally far, with their fields', () => {
    expect(() => backing.parse({ kind: 'memory' }, 'disk')).toThrow(
      new DeviceConfigError('disk', 'fits none of its forms: kind: must be "file", got "memory"; or size: is required'),
    );
    expect(() => backing.parse({ kind: 'file', path: '' }, 'disk')).toThrow(
      new DeviceConfigError(
        'disk.path',
        'fits none of its forms: must be a string of at least 1 character, got "" (0 characters); or is not a known field (known fields: kind, size)',
      ),
    );
  });

  it('lists every problem when all alternatives fail at the same place', () => {
    const port = schema.oneOf([schema.integer({ min: 1 }), schema.string({ enum: ['any'] })]);
    expectTypeOf(port.parse(1)).toEqualTypeOf<number | 'any'>();
    expect(() => port.parse(true, 'port')).toThrow(
      new DeviceConfigError('port', 'fits none of its forms: must be an integer of at least 1, got true; or must be one of "any", got true'),
    );
  });

  it('describes itself as anyOf, since the first fitting alternative wins', () => {
    expect(schema.oneOf([schema.integer(), schema.boolean()], { description: 'either' }).jsonSchema()).toEqual({
      anyOf: [{ type: 'integer' }, { type: 'boolean' }],
      description: 'either',
    });
  });

  it('lets errors that are not about the configuration through', () => {
    const broken = { parse: () => { throw new RangeError('bug'); }, jsonSchema: () => ({}) };
    expect(() => schema.oneOf([broken]).parse(1)).toThrow(RangeError);
  });
});
