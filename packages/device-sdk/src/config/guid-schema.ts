import { formatGuid, isGuid, parseGuid, type Guid } from '@tsvisor/wire';
import { annotated, withCheckedDefault, type BuiltSchema, type SchemaAnnotations } from './built-schema.js';
import { DeviceConfigError } from './device-config-error.js';
import { describeReceived } from './received-value.js';

/** Options of `schema.guid`. */
export interface GuidOptions extends SchemaAnnotations {
  /** The value when the field is left out. */
  readonly default?: Guid;
}

const HEX_GUID = '[0-9A-Fa-f]{8}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{4}-[0-9A-Fa-f]{12}';
/** What `isGuid` accepts, as a JSON Schema pattern: any case, optionally inside braces. */
const GUID_PATTERN = `^(?:${HEX_GUID}|\\{${HEX_GUID}\\})$`;

/**
 * A GUID in any case, optionally inside braces, yielded in the canonical lower-case form without
 * braces, so that configurations compare equal however they were typed.
 */
export function guidSchema(options: GuidOptions = {}): BuiltSchema<Guid> {
  const built: BuiltSchema<Guid> = {
    omittable: options.default !== undefined,
    parse(value, path = '') {
      if (value === undefined && options.default !== undefined) value = options.default;
      if (!isGuid(value)) {
        throw new DeviceConfigError(path, `must be a GUID like 00000000-0000-0000-0000-000000000000, got ${describeReceived(value)}`);
      }
      return formatGuid(parseGuid(value as string));
    },
    jsonSchema: () => annotated({ type: 'string', pattern: GUID_PATTERN }, options),
  };
  return withCheckedDefault('guid', built, options.default);
}
