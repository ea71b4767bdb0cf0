import { schema, type ConfigOf } from '@tsvisor/device-sdk';
import { jsonObjectSchema } from '../inventory/json-object-schema.js';
import { haltPollSchema } from '../inventory/vm-configuration.js';

const deviceInput = schema.object({
  class: schema.string({ minLength: 1, maxLength: 128, description: 'Device class id, e.g. integration.heartbeat' }),
  instanceId: schema.optional(schema.guid({ description: 'Instance GUID; a new one by default' })),
  config: schema.optional(jsonObjectSchema({ description: "The device class's configuration" })),
});

/**
 * What `define` takes (`POST /vms`): the VM's name, memory, processors, halt polling, notes, guest
 * program and devices. The VMMS adds the id, the creation time, the schema version and missing instance ids,
 * then validates the whole configuration.
 */
export const vmDefinitionSchema = schema.object({
  name: schema.string({ minLength: 1, maxLength: 64, description: 'Unique name of the VM' }),
  memory: schema.byteSize({ min: '1M', max: '1G', description: 'Guest memory, e.g. "64M"' }),
  processors: schema.integer({ min: 1, max: 16, default: 1, description: 'Virtual processors' }),
  haltPollUs: schema.optional(haltPollSchema),
  notes: schema.optional(schema.string({ maxLength: 1024, description: 'Free text for operators' })),
  guest: schema.object({ program: schema.string({ minLength: 1, maxLength: 4096, description: 'Absolute path of the guest program' }) }),
  devices: schema.array(deviceInput, { maxItems: 256, default: [] }),
});

/** A checked {@link vmDefinitionSchema} input. */
export type VmDefinition = ConfigOf<typeof vmDefinitionSchema>;

/**
 * What `modify` takes (`PATCH /vms/{vm}`): any of the fields of a definition. Name and notes may
 * change at any time; memory, processors, halt polling, guest and devices only while the VM is off.
 */
export const vmModificationSchema = schema.object({
  name: schema.optional(schema.string({ minLength: 1, maxLength: 64, description: 'Unique name of the VM' })),
  memory: schema.optional(schema.byteSize({ min: '1M', max: '1G', description: 'Guest memory, e.g. "64M"' })),
  processors: schema.optional(schema.integer({ min: 1, max: 16, description: 'Virtual processors' })),
  haltPollUs: schema.optional(haltPollSchema),
  notes: schema.optional(schema.string({ maxLength: 1024, description: 'Free text for operators' })),
  guest: schema.optional(schema.object({ program: schema.string({ minLength: 1, maxLength: 4096, description: 'Absolute path of the guest program' }) })),
  devices: schema.optional(schema.array(deviceInput, { maxItems: 256 })),
});

/** A checked {@link vmModificationSchema} input. */
export type VmModification = ConfigOf<typeof vmModificationSchema>;
