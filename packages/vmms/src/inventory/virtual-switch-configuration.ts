import { DeviceConfigError, schema, type ConfigSchema } from '@tsvisor/device-sdk';
import { virtualSwitchDefinitionSchema, type VirtualSwitchDefinition } from '@tsvisor/device-sdk/host';
import { timestampSchema } from './timestamp-schema.js';
import { UnsupportedSchemaVersionError } from './unsupported-schema-version-error.js';

/** The `schemaVersion` of virtual switch files this VMMS writes and the only one it reads. */
export const VIRTUAL_SWITCH_CONFIGURATION_SCHEMA_VERSION = 1;

/** A virtual switch as the inventory keeps it: its definition, one JSON file per switch, `<name>.json`. */
export interface VirtualSwitchConfiguration extends VirtualSwitchDefinition {
  readonly schemaVersion: typeof VIRTUAL_SWITCH_CONFIGURATION_SCHEMA_VERSION;
  /** When the switch was created, ISO 8601. */
  readonly createdAt: string;
}

const envelope = schema.object({
  schemaVersion: schema.literal(VIRTUAL_SWITCH_CONFIGURATION_SCHEMA_VERSION),
  createdAt: timestampSchema({ description: 'Creation time, ISO 8601' }),
});

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The schema of a {@link VirtualSwitchConfiguration}: the version first (an
 * {@link UnsupportedSchemaVersionError} for another one), then the creation time, then the
 * definition by the SDK's own `virtualSwitchDefinitionSchema`; a `DeviceConfigError` names the field.
 */
export const virtualSwitchConfigurationSchema: ConfigSchema<VirtualSwitchConfiguration> = {
  parse(value, path = '') {
    const field = (name: string): string => (path ? `${path}.${name}` : name);
    if (isRecord(value) && value['schemaVersion'] !== VIRTUAL_SWITCH_CONFIGURATION_SCHEMA_VERSION) {
      throw new UnsupportedSchemaVersionError(value['schemaVersion'], [VIRTUAL_SWITCH_CONFIGURATION_SCHEMA_VERSION], field('schemaVersion'));
    }
    if (!isRecord(value)) throw new DeviceConfigError(path, `must be an object, got ${Array.isArray(value) ? 'an array' : value === null ? 'null' : `a ${typeof value}`}`);
    const { schemaVersion, createdAt, ...definition } = value;
    const checked = envelope.parse({ schemaVersion, createdAt }, path);
    return { ...checked, ...virtualSwitchDefinitionSchema.parse(definition, path) };
  },
  jsonSchema() {
    const own = envelope.jsonSchema();
    const definition = virtualSwitchDefinitionSchema.jsonSchema();
    return {
      ...definition,
      properties: { ...(own['properties'] as object), ...(definition['properties'] as object) },
      required: [...(own['required'] as string[]), ...((definition['required'] as string[] | undefined) ?? [])],
    };
  },
};
