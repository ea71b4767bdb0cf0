import { annotated, isOmittable, type BuiltSchema, type SchemaAnnotations } from './built-schema.js';
import type { ConfigOf, ConfigSchema } from './config-schema.js';
import { DeviceConfigError } from './device-config-error.js';

/** The alternatives of a `schema.oneOf`: at least one. */
export type Alternatives = readonly [ConfigSchema<unknown>, ...ConfigSchema<unknown>[]];

/** How deep inside the value a field path points: one per property or item step. */
function depth(field: string): number {
  return field === '' ? 0 : field.split(/\.|\[/).length;
}

/**
 * The error to report when no alternative fits `value` at `path`: the one that got deepest into
 * the value when there is a single such one; otherwise every deepest problem, at their common
 * field, or at `path` with each problem's field relative to it.
 */
function bestError(path: string, errors: readonly DeviceConfigError[]): DeviceConfigError {
  const deepest = Math.max(...errors.map((error) => depth(error.field)));
  const candidates = errors.filter((error) => depth(error.field) === deepest);
  const first = candidates[0]!;
  if (candidates.length === 1) return first;
  if (candidates.every((error) => error.field === first.field)) {
    return new DeviceConfigError(first.field, `fits none of its forms: ${candidates.map((error) => error.problem).join('; or ')}`);
  }
  const relative = (field: string) => field.slice(path.length).replace(/^\./, '');
  const problems = candidates.map((error) => `${relative(error.field)}: ${error.problem}`);
  return new DeviceConfigError(path, `fits none of its forms: ${problems.join('; or ')}`);
}

/**
 * The first of several schemas that accepts the value, e.g. tagged variants:
 * `schema.oneOf(schema.object({ kind: schema.literal('file'), … }), schema.object({ kind: schema.literal('block'), … }))`.
 * Its JSON Schema is an `anyOf`, since the first fitting alternative wins.
 */
export function oneOfSchema<const A extends Alternatives>(
  alternatives: A,
  options: SchemaAnnotations = {},
): BuiltSchema<ConfigOf<A[number]>> {
  if (alternatives.length === 0) throw new TypeError('schema.oneOf: needs at least one alternative');
  return {
    omittable: alternatives.some(isOmittable),
    parse(value, path = '') {
      const errors: DeviceConfigError[] = [];
      for (const alternative of alternatives) {
        try {
          return alternative.parse(value, path) as ConfigOf<A[number]>;
        } catch (error) {
          if (!(error instanceof DeviceConfigError)) throw error;
          errors.push(error);
        }
      }
      throw bestError(path, errors);
    },
    jsonSchema: () => annotated({ anyOf: alternatives.map((alternative) => alternative.jsonSchema()) }, options),
  };
}
