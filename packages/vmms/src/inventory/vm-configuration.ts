import { DeviceConfigError, formatByteSize, schema, type ConfigSchema, type JsonSchema } from '@tsvisor/device-sdk';
import { DEFAULT_HALT_POLL_US, MAX_HALT_POLL_US } from '@tsvisor/worker-process';
import { jsonObjectSchema, type JsonObject } from './json-object-schema.js';
import { timestampSchema } from './timestamp-schema.js';
import { UnsupportedSchemaVersionError } from './unsupported-schema-version-error.js';

/** The `schemaVersion` this VMMS writes and the only one it reads. */
export const VM_CONFIGURATION_SCHEMA_VERSION = 1;

/** Guest memory is mapped in pages: its size must be a whole number of them. */
const PAGE_SIZE = 4096;
const VM_NAME_PATTERN = '^[A-Za-z0-9][A-Za-z0-9._-]*$';
/** Same expression as `isDeviceClassId` of the SDK: lower-case dotted words, at least two. */
const DEVICE_CLASS_ID_PATTERN = '^[a-z][a-z0-9-]*(\\.[a-z][a-z0-9-]*)+$';
const MAX_DEVICES = 256;

/** One device of a VM: an instance of a device class with its (class-specific) configuration. */
export interface VmDeviceConfiguration {
  /** The device class id, e.g. `integration.heartbeat`. */
  readonly class: string;
  /** This device's instance GUID, lower case; unique within the VM. */
  readonly instanceId: string;
  /** The class's configuration, as JSON; validated against the class by the worker process. */
  readonly config: JsonObject;
}

/** A VM as the inventory keeps it (DESIGN §6): plain data, one JSON file per VM. */
export interface VmConfiguration {
  readonly schemaVersion: typeof VM_CONFIGURATION_SCHEMA_VERSION;
  /** The VM's GUID, lower case: its identity, and its file's name. */
  readonly id: string;
  /** Unique within the inventory; letters, digits, `.`, `_`, `-`, starting with a letter or digit. */
  readonly name: string;
  readonly notes?: string;
  /** Guest memory in bytes (a file may write it as `"512M"`): 1 MiB to 1 GiB, a multiple of 4 KiB. */
  readonly memory: number;
  /** Virtual processors, 1 to 16. */
  readonly processors: number;
  /**
   * How long a virtual processor with nothing to do may poll for an interrupt before it sleeps, µs
   * (halt polling, adaptive; 0 turns it off). Absent: the hypervisor's default (`DEFAULT_HALT_POLL_US`, 200).
   */
  readonly haltPollUs?: number;
  readonly guest: {
    /** Path of the guest program the guest kernel runs. */
    readonly program: string;
  };
  readonly devices: readonly VmDeviceConfiguration[];
  /** When the VM was created, ISO 8601. */
  readonly createdAt: string;
}

const memorySchema = schema.byteSize({ min: '1M', max: '1G', description: 'Guest memory: 1M to 1G, a multiple of 4K' });

/** {@link memorySchema}, and a whole number of pages. */
const pagedMemorySchema: ConfigSchema<number> = {
  parse(value, path = '') {
    const bytes = memorySchema.parse(value, path);
    if (bytes % PAGE_SIZE !== 0) {
      throw new DeviceConfigError(path, `must be a multiple of ${formatByteSize(PAGE_SIZE)} (${PAGE_SIZE} bytes), got ${bytes} bytes`);
    }
    return bytes;
  },
  jsonSchema() {
    const described = memorySchema.jsonSchema();
    const [bytes, text] = described['anyOf'] as [JsonSchema, JsonSchema];
    return { ...described, anyOf: [{ ...bytes, multipleOf: PAGE_SIZE }, text] };
  },
};

/** {@link VmConfiguration.haltPollUs}; `define` and `modify` take the same. */
export const haltPollSchema = schema.integer({
  min: 0,
  max: MAX_HALT_POLL_US,
  description: `Halt polling: how long an idle virtual processor may poll for an interrupt before it sleeps, µs (0: off; default ${DEFAULT_HALT_POLL_US})`,
});

const deviceSchema = schema.object({
  class: schema.string({ pattern: DEVICE_CLASS_ID_PATTERN, description: 'Device class id, e.g. integration.heartbeat' }),
  instanceId: schema.guid({ description: 'Instance GUID of this device, unique within the VM' }),
  config: jsonObjectSchema({ description: "The device class's configuration, checked against the class when the VM starts" }),
});

const shapeSchema = schema.object({
  schemaVersion: schema.literal(VM_CONFIGURATION_SCHEMA_VERSION),
  id: schema.guid({ description: 'The VM id' }),
  name: schema.string({ minLength: 1, maxLength: 64, pattern: VM_NAME_PATTERN, description: 'Unique name of the VM' }),
  notes: schema.optional(schema.string({ maxLength: 1024, description: 'Free text for operators' })),
  memory: pagedMemorySchema,
  processors: schema.integer({ min: 1, max: 16, default: 1, description: 'Virtual processors' }),
  haltPollUs: schema.optional(haltPollSchema),
  guest: schema.object({ program: schema.string({ minLength: 1, description: 'Path of the guest program' }) }),
  devices: schema.array(deviceSchema, { maxItems: MAX_DEVICES, default: [] }),
  createdAt: timestampSchema({ description: 'Creation time, ISO 8601' }),
});

function isRecord(value: unknown): value is Readonly<Record<string, unknown>> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * The schema of a {@link VmConfiguration}: `parse` checks untrusted input (a file, a REST body) and
 * yields the configuration with defaults applied and GUIDs in canonical form, or throws a
 * `DeviceConfigError` naming the field. The version is checked first, with an
 * {@link UnsupportedSchemaVersionError}: the rest of a configuration of another version means
 * something else. Each device's `config` is only checked to be JSON here.
 */
export const vmConfigurationSchema: ConfigSchema<VmConfiguration> = {
  parse(value, path = '') {
    if (isRecord(value) && value['schemaVersion'] !== VM_CONFIGURATION_SCHEMA_VERSION) {
      throw new UnsupportedSchemaVersionError(value['schemaVersion'], [VM_CONFIGURATION_SCHEMA_VERSION], join(path, 'schemaVersion'));
    }
    const config = shapeSchema.parse(value, path);
    const seen = new Set<string>();
    config.devices.forEach((device, index) => {
      if (seen.has(device.instanceId)) {
        throw new DeviceConfigError(`${join(path, 'devices')}[${index}].instanceId`, `${device.instanceId} is the instance id of another device of this VM`);
      }
      seen.add(device.instanceId);
    });
    return config;
  },
  jsonSchema: () => shapeSchema.jsonSchema(),
};
