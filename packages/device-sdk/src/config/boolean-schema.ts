import { annotated, type BuiltSchema, type SchemaAnnotations } from './built-schema.js';
import { DeviceConfigError } from './device-config-error.js';
import { describeReceived } from './received-value.js';

/** Options of `schema.boolean`. */
export interface BooleanOptions extends SchemaAnnotations {
  /** The value when the field is left out. */
  readonly default?: boolean;
}

/** `true` or `false`; nothing else (not `"true"`, not 1) is taken for one. */
export function booleanSchema(options: BooleanOptions = {}): BuiltSchema<boolean> {
  return {
    omittable: options.default !== undefined,
    parse(value, path = '') {
      if (value === undefined && options.default !== undefined) return options.default;
      if (typeof value !== 'boolean') throw new DeviceConfigError(path, `must be true or false, got ${describeReceived(value)}`);
      return value;
    },
    jsonSchema: () => annotated({ type: 'boolean' }, options),
  };
}
