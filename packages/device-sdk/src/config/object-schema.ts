import { annotated, isOmittable, type BuiltSchema, type SchemaAnnotations } from './built-schema.js';
import type { ConfigOf, ConfigSchema } from './config-schema.js';
import { DeviceConfigError } from './device-config-error.js';
import { propertyPath } from './field-path.js';
import { describeReceived } from './received-value.js';

/** The fields of a `schema.object`, each with its schema. */
export type ObjectProperties = { readonly [key: string]: ConfigSchema<unknown> };

type RequiredKeys<P extends ObjectProperties> = { [K in keyof P]: undefined extends ConfigOf<P[K]> ? never : K }[keyof P];
type OptionalKeys<P extends ObjectProperties> = Exclude<keyof P, RequiredKeys<P>>;

/**
 * The object a `schema.object(properties)` yields: a field whose schema may yield `undefined`
 * (`schema.optional`) is an optional property, every other field is present (defaults applied).
 */
export type ObjectConfig<P extends ObjectProperties> = {
  [K in RequiredKeys<P>]: ConfigOf<P[K]>;
} & {
  [K in OptionalKeys<P>]?: ConfigOf<P[K]>;
} extends infer O
  ? { [K in keyof O]: O[K] }
  : never;

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * An object with exactly these fields. Unknown keys are rejected by name (a misspelt field is
 * never silently ignored), a missing required field is named, and defaults fill in left-out fields.
 * An object whose every field may be left out may itself be left out: it then yields its defaults.
 */
export function objectSchema<const P extends ObjectProperties>(
  properties: P,
  options: SchemaAnnotations = {},
): BuiltSchema<ObjectConfig<P>> {
  const keys = Object.keys(properties);
  const known = keys.length === 0 ? 'the object has no fields' : `known fields: ${keys.join(', ')}`;
  const omittable = keys.every((key) => isOmittable(properties[key]!));
  return {
    omittable,
    parse(value, path = '') {
      if (value === undefined && omittable) value = {};
      if (!isRecord(value)) throw new DeviceConfigError(path, `must be an object, got ${describeReceived(value)}`);
      // Unknown keys first: a misspelt required field is reported as the typo it is, not as missing.
      const unknown = Object.keys(value).filter((key) => !Object.hasOwn(properties, key));
      if (unknown.length > 0) {
        const others = unknown.length > 1 ? `; nor are ${unknown.slice(1).map((key) => JSON.stringify(key)).join(', ')}` : '';
        throw new DeviceConfigError(propertyPath(path, unknown[0]!), `is not a known field (${known})${others}`);
      }
      const parsed: Record<string, unknown> = {};
      for (const key of keys) {
        const property = properties[key]!;
        const field = propertyPath(path, key);
        const given = Object.hasOwn(value, key) ? value[key] : undefined;
        if (given === undefined && !isOmittable(property)) throw new DeviceConfigError(field, 'is required');
        const result = property.parse(given, field);
        if (result !== undefined) parsed[key] = result;
      }
      return parsed as ObjectConfig<P>;
    },
    jsonSchema() {
      const required = keys.filter((key) => !isOmittable(properties[key]!));
      return annotated(
        {
          type: 'object',
          properties: Object.fromEntries(keys.map((key) => [key, properties[key]!.jsonSchema()])),
          ...(required.length > 0 && { required }),
          additionalProperties: false,
        },
        options,
      );
    },
  };
}
