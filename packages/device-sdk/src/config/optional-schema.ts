import type { BuiltSchema } from './built-schema.js';
import type { ConfigSchema } from './config-schema.js';

/**
 * `inner`, or nothing: an object may leave the field out, and the parsed object then has no such
 * key. `null` is not taken for nothing: configurations leave a field out to unset it.
 */
export function optionalSchema<T>(inner: ConfigSchema<T>): BuiltSchema<T | undefined> {
  return {
    omittable: true,
    parse: (value, path = '') => (value === undefined ? undefined : inner.parse(value, path)),
    jsonSchema: () => inner.jsonSchema(),
  };
}
