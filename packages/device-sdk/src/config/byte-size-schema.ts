import { annotated, withCheckedDefault, type BuiltSchema, type SchemaAnnotations } from './built-schema.js';
import { DeviceConfigError } from './device-config-error.js';
import { describeReceived } from './received-value.js';

/** A size as a configuration may write it: a number of bytes, or text such as `"64M"`. */
export type ByteSizeText = number | string;

/** Options of `schema.byteSize`; bounds and default may be written like the values, e.g. `'1G'`. */
export interface ByteSizeOptions extends SchemaAnnotations {
  /** The smallest size accepted, inclusive. */
  readonly min?: ByteSizeText;
  /** The largest size accepted, inclusive. */
  readonly max?: ByteSizeText;
  /** The size when the field is left out. */
  readonly default?: ByteSizeText;
}

/**
 * Digits, an optional space, then an optional binary unit: `K`, `M`, `G`, `T` (any case, optionally
 * followed by `B` or `iB`) or `B`. Written out without flags so that the JSON Schema uses the same
 * expression as the parser.
 */
const BYTE_SIZE_PATTERN = '^([0-9]+) ?(?:([KMGTkmgt])(?:[iI]?[bB])?|[bB])?$';
const BYTE_SIZE_TEXT = new RegExp(BYTE_SIZE_PATTERN);
const UNITS = ['K', 'M', 'G', 'T'] as const;
const EXPECTED = 'a size in bytes, or a whole number with a binary unit K, M, G or T (1K = 1024) such as "64M"';

/**
 * The number of bytes `size` stands for: a non-negative safe integer as is, or text such as `"512K"`,
 * `"64M"`, `"1GiB"`, `"4096"` with binary units; `undefined` if it is neither or too large.
 */
export function parseByteSize(size: unknown): number | undefined {
  if (typeof size === 'number') return Number.isSafeInteger(size) && size >= 0 ? size + 0 : undefined;
  if (typeof size !== 'string') return undefined;
  const match = BYTE_SIZE_TEXT.exec(size);
  if (match === null) return undefined;
  const unit = match[2] === undefined ? 0 : UNITS.indexOf(match[2].toUpperCase() as (typeof UNITS)[number]) + 1;
  const bytes = Number(match[1]) * 1024 ** unit;
  return Number.isSafeInteger(bytes) ? bytes : undefined;
}

/** `bytes` in the largest binary unit that divides it exactly: 67108864 gives `"64M"`, 1000 gives `"1000"`. */
export function formatByteSize(bytes: number): string {
  for (let unit = UNITS.length; unit > 0; unit--) {
    const size = 1024 ** unit;
    if (bytes !== 0 && bytes % size === 0) return `${bytes / size}${UNITS[unit - 1]}`;
  }
  return String(bytes);
}

function bound(name: 'min' | 'max', size: ByteSizeText | undefined): number | undefined {
  if (size === undefined) return undefined;
  const bytes = parseByteSize(size);
  if (bytes === undefined) throw new TypeError(`schema.byteSize: ${name} ${describeReceived(size)} is not ${EXPECTED}`);
  return bytes;
}

function rangeExpectation(min: number | undefined, max: number | undefined): string {
  if (min !== undefined && max !== undefined) return `a size between ${formatByteSize(min)} and ${formatByteSize(max)}`;
  if (min !== undefined) return `a size of at least ${formatByteSize(min)}`;
  return `a size of at most ${formatByteSize(max!)}`;
}

/**
 * A size in bytes, written as a number of bytes or as text with a binary unit (`"64M"`, `"1G"`,
 * `"512K"`), yielded as a number of bytes: `schema.byteSize({ min: '1M', max: '1T', default: '64M' })`.
 */
export function byteSizeSchema(options: ByteSizeOptions = {}): BuiltSchema<number> {
  const min = bound('min', options.min);
  const max = bound('max', options.max);
  if (min !== undefined && max !== undefined && min > max) {
    throw new RangeError(`schema.byteSize: min ${formatByteSize(min)} is above max ${formatByteSize(max)}`);
  }
  const built: BuiltSchema<number> = {
    omittable: options.default !== undefined,
    parse(value, path = '') {
      if (value === undefined && options.default !== undefined) value = options.default;
      const bytes = parseByteSize(value);
      if (bytes === undefined) throw new DeviceConfigError(path, `must be ${EXPECTED}, got ${describeReceived(value)}`);
      if ((min !== undefined && bytes < min) || (max !== undefined && bytes > max)) {
        throw new DeviceConfigError(path, `must be ${rangeExpectation(min, max)}, got ${describeReceived(value)}`);
      }
      return bytes;
    },
    jsonSchema: () =>
      annotated(
        {
          anyOf: [
            { type: 'integer', minimum: min ?? 0, ...(max !== undefined && { maximum: max }) },
            { type: 'string', pattern: BYTE_SIZE_PATTERN },
          ],
        },
        options,
      ),
  };
  return withCheckedDefault('byteSize', built, options.default);
}
