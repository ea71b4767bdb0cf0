import { annotated, type BuiltSchema, type SchemaAnnotations } from './built-schema.js';
import { DeviceConfigError } from './device-config-error.js';
import { describeReceived } from './received-value.js';

/** A value a literal schema may stand for. */
export type LiteralValue = string | number | boolean;

/**
 * Exactly `value`: the tag of a variant in `schema.oneOf`, e.g.
 * `schema.object({ kind: schema.literal('file'), path: schema.string() })`.
 */
export function literalSchema<const V extends LiteralValue>(value: V, options: SchemaAnnotations = {}): BuiltSchema<V> {
  return {
    omittable: false,
    parse(received, path = '') {
      if (received !== value) throw new DeviceConfigError(path, `must be ${describeReceived(value)}, got ${describeReceived(received)}`);
      return value;
    },
    jsonSchema: () => annotated({ const: value }, options),
  };
}
