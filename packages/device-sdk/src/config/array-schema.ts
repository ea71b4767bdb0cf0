import { annotated, withCheckedDefault, type BuiltSchema, type SchemaAnnotations } from './built-schema.js';
import type { ConfigSchema } from './config-schema.js';
import { DeviceConfigError } from './device-config-error.js';
import { itemPath } from './field-path.js';
import { describeReceived } from './received-value.js';

/** Options of `schema.array`. */
export interface ArrayOptions<T> extends SchemaAnnotations {
  /** The fewest items accepted. */
  readonly minItems?: number;
  /** The most items accepted. */
  readonly maxItems?: number;
  /** The items when the field is left out; parsed again on each use, so every result is a fresh array. */
  readonly default?: readonly T[];
}

function items(count: number): string {
  return count === 1 ? 'item' : 'items';
}

function expectation(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `an array of ${min} to ${max} ${items(max)}`;
  if (min !== undefined) return `an array of at least ${min} ${items(min)}`;
  if (max !== undefined) return `an array of at most ${max} ${items(max)}`;
  return 'an array';
}

/** An array whose every item fits `item`; errors name the item, e.g. `disks[2].path`. */
export function arraySchema<T>(item: ConfigSchema<T>, options: ArrayOptions<T> = {}): BuiltSchema<T[]> {
  const { minItems, maxItems } = options;
  const expected = expectation(minItems, maxItems);
  const built: BuiltSchema<T[]> = {
    omittable: options.default !== undefined,
    parse(value, path = '') {
      if (value === undefined && options.default !== undefined) value = options.default;
      if (!Array.isArray(value)) throw new DeviceConfigError(path, `must be ${expected}, got ${describeReceived(value)}`);
      if ((minItems !== undefined && value.length < minItems) || (maxItems !== undefined && value.length > maxItems)) {
        throw new DeviceConfigError(path, `must be ${expected}, got ${describeReceived(value)}`);
      }
      return value.map((element: unknown, index) => item.parse(element, itemPath(path, index)));
    },
    jsonSchema: () =>
      annotated(
        {
          type: 'array',
          items: item.jsonSchema(),
          ...(minItems !== undefined && { minItems }),
          ...(maxItems !== undefined && { maxItems }),
        },
        options,
      ),
  };
  return withCheckedDefault('array', built, options.default);
}
