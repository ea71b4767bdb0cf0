import { describe, expect, expectTypeOf, it } from 'vitest';
import { DeviceConfigError } from './device-config-error.js';
import { schema } from './schema.js';

describe('schema.string', () => {
  it('accepts strings and nothing else', () => {
    expect(schema.string().parse('disk.vhdx')).toBe('disk.vhdx');
    expect(() => schema.string().parse(42, 'path')).toThrow(new DeviceConfigError('path', 'must be a string, got 42'));
  });

  it('counts length in characters, not UTF-16 units, as JSON Schema does', () => {
    const name = schema.string({ minLength: 1, maxLength: 3 });
    expect(name.parse('😀😀😀')).toBe('😀😀😀');
    expect(() => name.parse('')).toThrow('must be a string of 1 to 3 characters, got "" (0 characters)');
    expect(() => name.parse('abcd')).toThrow('must be a string of 1 to 3 characters, got "abcd" (4 characters)');
    expect(() => schema.string({ minLength: 1 }).parse('')).toThrow('must be a string of at least 1 character, got ""');
  });

  it('checks the pattern', () => {
    const host = schema.string({ pattern: '^[a-z]+$' });
    expect(host.parse('vm')).toBe('vm');
    expect(() => host.parse('VM')).toThrow('must match the pattern /^[a-z]+$/, got "VM"');
  });

  it('with an enum, accepts only its values and is typed as their union', () => {
    const format = schema.string({ enum: ['raw', 'vhdx'], default: 'raw' });
    expectTypeOf(format.parse('raw')).toEqualTypeOf<'raw' | 'vhdx'>();
    expect(format.parse('vhdx')).toBe('vhdx');
    expect(format.parse(undefined)).toBe('raw');
    expect(() => format.parse('vhd')).toThrow('must be one of "raw", "vhdx", got "vhd"');
    expect(() => format.parse(1)).toThrow('must be one of "raw", "vhdx", got 1');
  });

  it('shortens long values it quotes', () => {
    const error = (() => {
      try {
        schema.string({ maxLength: 2 }).parse('x'.repeat(500));
      } catch (caught) {
        return caught as DeviceConfigError;
      }
      throw new Error('expected an error');
    })();
    expect(error.problem.length).toBeLessThan(150);
    expect(error.problem).toContain('(500 characters)');
  });

  it('refuses a default that breaks its own constraints', () => {
    expect(() => schema.string({ maxLength: 2, default: 'long' })).toThrow(/schema\.string: invalid default/);
  });

  it('describes itself with every constraint it has', () => {
    expect(schema.string({ minLength: 1, maxLength: 8, pattern: '^[a-z]+$', description: 'Switch name' }).jsonSchema()).toEqual({
      type: 'string',
      minLength: 1,
      maxLength: 8,
      pattern: '^[a-z]+$',
      description: 'Switch name',
    });
    expect(schema.string({ enum: ['raw', 'vhdx'], default: 'raw' }).jsonSchema()).toEqual({
      type: 'string',
      enum: ['raw', 'vhdx'],
      default: 'raw',
    });
  });
});

describe('schema.boolean', () => {
  it('takes only true and false', () => {
    expect(schema.boolean().parse(false)).toBe(false);
    expect(() => schema.boolean().parse('true', 'readOnly')).toThrow('readOnly: must be true or false, got "true"');
    expect(() => schema.boolean().parse(1)).toThrow('must be true or false, got 1');
  });

  it('yields its default when left out', () => {
    expect(schema.boolean({ default: true }).parse(undefined)).toBe(true);
    expect(schema.boolean({ default: true }).jsonSchema()).toEqual({ type: 'boolean', default: true });
  });
});

describe('schema.guid', () => {
  const NETVSC = 'f8615163-df3e-46c5-913f-f2d2f965ed0e';

  it('yields the canonical lower-case form however the GUID was written', () => {
    expect(schema.guid().parse(NETVSC.toUpperCase())).toBe(NETVSC);
    expect(schema.guid().parse(`{${NETVSC}}`)).toBe(NETVSC);
    expect(schema.guid({ default: NETVSC.toUpperCase() }).parse(undefined)).toBe(NETVSC);
  });

  it.each([['not-a-guid'], [NETVSC.slice(1)], [`{${NETVSC}`], [42]])('rejects %j', (value) => {
    expect(() => schema.guid().parse(value, 'instanceId')).toThrow(
      /^instanceId: must be a GUID like 00000000-0000-0000-0000-000000000000, got /,
    );
  });

  it('describes itself with a pattern that accepts exactly what it parses', () => {
    const { pattern } = schema.guid().jsonSchema() as { pattern: string };
    const matches = (text: string) => new RegExp(pattern, 'u').test(text);
    expect([NETVSC, NETVSC.toUpperCase(), `{${NETVSC}}`].every(matches)).toBe(true);
    expect([`{${NETVSC}`, `${NETVSC}}`, NETVSC.replaceAll('-', ''), ` ${NETVSC}`].some(matches)).toBe(false);
    expect(schema.guid().jsonSchema()).toMatchObject({ type: 'string' });
  });
});
