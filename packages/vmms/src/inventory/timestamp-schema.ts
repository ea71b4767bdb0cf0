import { DeviceConfigError, type ConfigSchema } from '@tsvisor/device-sdk';

/** RFC 3339 date-time, as `Date.prototype.toISOString` writes it (fractions and offsets allowed). */
const TIMESTAMP_PATTERN = '^(\\d{4})-(\\d{2})-(\\d{2})T([01]\\d|2[0-3]):[0-5]\\d:[0-5]\\d(?:\\.\\d{1,9})?(?:Z|[+-](?:[01]\\d|2[0-3]):[0-5]\\d)$';
const TIMESTAMP = new RegExp(TIMESTAMP_PATTERN);

/** Whether year-month-day is a real calendar day (`Date` would roll 02-30 over to March). */
function isCalendarDay(year: number, month: number, day: number): boolean {
  const date = new Date(Date.UTC(year, month - 1, day));
  return date.getUTCFullYear() === year && date.getUTCMonth() === month - 1 && date.getUTCDate() === day;
}

/** An ISO 8601 / RFC 3339 timestamp such as `2026-11-24T03:38:29.000Z`, kept as written. */
export function timestampSchema(options: { readonly description?: string } = {}): ConfigSchema<string> {
  return {
    parse(value, path = '') {
      const match = typeof value === 'string' ? TIMESTAMP.exec(value) : null;
      if (match === null || !isCalendarDay(Number(match[1]), Number(match[2]), Number(match[3]))) {
        const got = typeof value === 'string' ? JSON.stringify(value.slice(0, 60)) : value === undefined ? 'nothing' : `a ${typeof value}`;
        throw new DeviceConfigError(path, `must be an ISO 8601 timestamp like 2026-01-31T12:00:00.000Z, got ${got}`);
      }
      return value as string;
    },
    jsonSchema: () => ({
      type: 'string',
      format: 'date-time',
      pattern: TIMESTAMP_PATTERN,
      ...(options.description !== undefined && { description: options.description }),
    }),
  };
}
