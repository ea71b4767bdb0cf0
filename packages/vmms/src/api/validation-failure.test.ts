import { describe, expect, it } from 'vitest';
import { fieldPathOfPointer, validationFailureOf } from './validation-failure.js';

describe('fieldPathOfPointer', () => {
  it('names fields as DeviceConfigError does', () => {
    expect(fieldPathOfPointer('')).toBe('');
    expect(fieldPathOfPointer('/memory')).toBe('memory');
    expect(fieldPathOfPointer('/devices/0/class')).toBe('devices[0].class');
    expect(fieldPathOfPointer('/devices/12/config/odd key')).toBe('devices[12].config["odd key"]');
    expect(fieldPathOfPointer('/a~1b/c~0d')).toBe('["a/b"]["c~d"]');
  });
});

describe('validationFailureOf', () => {
  it('names a missing property by its own path', () => {
    expect(
      validationFailureOf([{ keyword: 'required', instancePath: '/guest', schemaPath: '', params: { missingProperty: 'program' } }]),
    ).toEqual({ field: 'guest.program', problem: 'is required' });
  });

  it('names an unknown property by its own path', () => {
    expect(
      validationFailureOf([{ keyword: 'additionalProperties', instancePath: '/devices/1', schemaPath: '', params: { additionalProperty: 'colour' } }]),
    ).toEqual({ field: 'devices[1].colour', problem: 'is not a known property' });
  });

  it('reports an anyOf once, at its field, with every alternative', () => {
    const failure = validationFailureOf([
      { keyword: 'type', instancePath: '/memory', schemaPath: '#/anyOf/0/type', params: { type: 'integer' }, message: 'must be integer' },
      { keyword: 'pattern', instancePath: '/memory', schemaPath: '#/anyOf/1/pattern', params: {}, message: 'must match pattern "^x$"' },
      { keyword: 'anyOf', instancePath: '/memory', schemaPath: '#/anyOf', params: {}, message: 'must match a schema in anyOf' },
    ]);
    expect(failure).toEqual({ field: 'memory', problem: 'must be integer; or must match pattern "^x$"' });
  });

  it('lists the values of an enum', () => {
    expect(
      validationFailureOf([{ keyword: 'enum', instancePath: '/follow', schemaPath: '', params: { allowedValues: ['0', '1'] } }]),
    ).toEqual({ field: 'follow', problem: 'must be one of "0", "1"' });
  });
});
