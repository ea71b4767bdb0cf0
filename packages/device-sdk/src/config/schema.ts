import { arraySchema } from './array-schema.js';
import { booleanSchema } from './boolean-schema.js';
import { byteSizeSchema } from './byte-size-schema.js';
import { guidSchema } from './guid-schema.js';
import { literalSchema } from './literal-schema.js';
import { integerSchema, numberSchema } from './numeric-schemas.js';
import { objectSchema } from './object-schema.js';
import { oneOfSchema } from './one-of-schema.js';
import { optionalSchema } from './optional-schema.js';
import { stringSchema } from './string-schema.js';

/**
 * Builders of device configuration schemas: each returns a {@link ConfigSchema} whose `parse`
 * yields a precisely typed value (or throws a {@link DeviceConfigError} naming the field) and
 * whose `jsonSchema()` is draft 2020-12 JSON Schema. Plain JavaScript, so it runs in a guest realm.
 *
 * @example
 * ```ts
 * const config = schema.object({
 *   intervalSeconds: schema.integer({ min: 1, max: 60, default: 5 }),
 *   label: schema.optional(schema.string({ maxLength: 64 })),
 * });
 * type HeartbeatConfig = ConfigOf<typeof config>; // { intervalSeconds: number; label?: string }
 * ```
 */
export const schema = {
  object: objectSchema,
  integer: integerSchema,
  number: numberSchema,
  string: stringSchema,
  boolean: booleanSchema,
  guid: guidSchema,
  array: arraySchema,
  optional: optionalSchema,
  literal: literalSchema,
  oneOf: oneOfSchema,
  byteSize: byteSizeSchema,
} as const;
