import { describe, expect, expectTypeOf, it } from 'vitest';
import { DeviceConfigError } from './device-config-error.js';
import { schema } from './schema.js';

describe('schema.array', () => {
  const ports = schema.array(schema.integer({ min: 1, max: 65535 }), { minItems: 1, maxItems: 3 });

  it('parses every item', () => {
    expectTypeOf(ports.parse([80])).toEqualTypeOf<number[]>();
    expect(ports.parse([80, 443])).toEqual([80, 443]);
    expect(schema.array(schema.guid()).parse(['F8615163-DF3E-46C5-913F-F2D2F965ED0E'])).toEqual([
      'f8615163-df3e-46c5-913f-f2d2f965ed0e',
    ]);
  });

  it('names the failing item by index', () => {
    expect(() => ports.parse([80, 0], 'ports')).toThrow(new DeviceConfigError('ports[1]', 'must be an integer between 1 and 65535, got 0'));
  });

  it('checks the item count', () => {
    expect(() => ports.parse([], 'ports')).toThrow('ports: must be an array of 1 to 3 items, got an array of 0 items');
    expect(() => ports.parse([1, 2, 3, 4])).toThrow('must be an array of 1 to 3 items, got an array of 4 items');
    expect(() => schema.array(schema.integer(), { maxItems: 1 }).parse({ length: 0 })).toThrow(
      'must be an array of at most 1 item, got an object',
    );
  });

  it('yields a fresh copy of its default each time', () => {
    const tags = schema.array(schema.string(), { default: ['a'] });
    const first = tags.parse(undefined);
    first.push('b');
    expect(tags.parse(undefined)).toEqual(['a']);
  });

  it('describes its items and bounds', () => {
    expect(ports.jsonSchema()).toEqual({
      type: 'array',
      items: { type: 'integer', minimum: 1, maximum: 65535 },
      minItems: 1,
      maxItems: 3,
    });
  });
});
