const LONGEST_QUOTE = 60;

/**
 * How a {@link DeviceConfigError} quotes the value it got: numbers and booleans as written,
 * strings in quotes (shortened when long), arrays by their length, `nothing` for a missing value.
 * @internal
 */
export function describeReceived(value: unknown): string {
  switch (typeof value) {
    case 'undefined':
      return 'nothing';
    case 'string':
      return JSON.stringify(value.length > LONGEST_QUOTE ? `${value.slice(0, LONGEST_QUOTE - 1)}…` : value);
    case 'number':
    case 'boolean':
      return String(value);
    case 'bigint':
      return `${value}n`;
    case 'object':
      if (value === null) return 'null';
      if (Array.isArray(value)) return `an array of ${value.length} ${value.length === 1 ? 'item' : 'items'}`;
      return 'an object';
    default:
      return `a ${typeof value}`;
  }
}
