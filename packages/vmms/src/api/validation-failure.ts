import type { FastifySchemaValidationError } from 'fastify';

/** What a failed route-schema validation was about, named as `DeviceConfigError` names fields. */
export interface ValidationFailure {
  /** Dotted path of the offending field, e.g. `devices[0].class`; empty for the whole body. */
  readonly field: string;
  /** What is wrong with it. */
  readonly problem: string;
}

/** Names a property as `DeviceConfigError` does (and the SDK's `propertyPath`): `.name`, or `["odd key"]`. */
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function withProperty(path: string, key: string): string {
  if (!IDENTIFIER.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}

/**
 * The dotted field path of a JSON Pointer (`/devices/0/class` → `devices[0].class`). A segment of
 * digits is read as an array index: the route schemas have no object with numeric keys.
 */
export function fieldPathOfPointer(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((path, segment) => (/^(0|[1-9]\d*)$/.test(segment) ? `${path}[${segment}]` : withProperty(path, segment)), '');
}

function fieldOf(error: FastifySchemaValidationError): string {
  const path = fieldPathOfPointer(error.instancePath);
  const { missingProperty, additionalProperty } = error.params as { missingProperty?: unknown; additionalProperty?: unknown };
  if (error.keyword === 'required' && typeof missingProperty === 'string') return withProperty(path, missingProperty);
  if (error.keyword === 'additionalProperties' && typeof additionalProperty === 'string') return withProperty(path, additionalProperty);
  return path;
}

function problemOf(error: FastifySchemaValidationError): string {
  const { allowedValues } = error.params as { allowedValues?: unknown };
  if (error.keyword === 'required') return 'is required';
  if (error.keyword === 'additionalProperties') return 'is not a known property';
  if (error.keyword === 'enum' && Array.isArray(allowedValues)) {
    return `must be one of ${allowedValues.map((value) => JSON.stringify(value)).join(', ')}`;
  }
  return error.message ?? `fails ${error.keyword}`;
}

/**
 * The field and problem of a route-schema validation failure, from Ajv's errors (Fastify stops at
 * the first one). A value matching none of an `anyOf`'s alternatives is reported once, at its own
 * field, with what each alternative wanted.
 */
export function validationFailureOf(errors: readonly FastifySchemaValidationError[]): ValidationFailure {
  const last = errors.at(-1);
  if (last === undefined) return { field: '', problem: 'is not valid' };
  if (last.keyword === 'anyOf' || last.keyword === 'oneOf') {
    const alternatives = errors.filter((error) => error !== last && error.instancePath === last.instancePath).map(problemOf);
    return { field: fieldOf(last), problem: alternatives.length > 0 ? alternatives.join('; or ') : problemOf(last) };
  }
  const first = errors[0]!;
  return { field: fieldOf(first), problem: problemOf(first) };
}
