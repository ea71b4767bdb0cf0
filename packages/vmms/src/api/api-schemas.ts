import type { JsonSchema } from '@tsvisor/device-sdk';
import { managementOperations } from '../authorization/management-operation.js';
import { vmConfigurationSchema } from '../inventory/vm-configuration.js';
import { virtualSwitchDefinitionSchema } from '@tsvisor/device-sdk/host';
import { imageConversionSchema, imageCreationSchema, imagePathSchema } from '../service/image-requests.js';
import { vmDefinitionSchema, vmModificationSchema } from '../service/vm-definition.js';
import { EnabledState } from '../state/enabled-state.js';
import { HealthState } from '../state/health-state.js';
import { HeartbeatStatus } from '../state/heartbeat-status.js';
import { JobState } from '../state/job-state.js';
import { RequestedState } from '../state/requested-state.js';
import { requestedStateWords } from './requested-state-operation.js';

/**
 * The JSON Schemas of the management API: Fastify validates requests and serializes responses with
 * them, and the OpenAPI document is built from them, so the three cannot drift apart. Shared
 * schemas have an `$id` and are referred to as `{ $ref: '<id>#' }`.
 */

/** A reference to the shared schema `id`; a `description` says what it is in this place. */
export function schemaRef(id: SharedSchemaId, description?: string): JsonSchema {
  return { $ref: `${id}#`, ...(description === undefined ? {} : { description }) };
}

/** The ids of the shared schemas. */
export type SharedSchemaId =
  | 'ApiError'
  | 'VmSummary'
  | 'VmDetails'
  | 'VmConfiguration'
  | 'DeviceSummary'
  | 'VmCounters'
  | 'Job'
  | 'StateChangeResult'
  | 'InventoryProblem'
  | 'VmmsEvent'
  | 'ImageInfo'
  | 'ImageCheckResult'
  | 'VirtualSwitch';

const configuration = vmConfigurationSchema.jsonSchema();
const configurationProperties = configuration['properties'] as Readonly<Record<string, JsonSchema>>;
const deviceSchema = (configurationProperties['devices']!['items'] ?? {}) as JsonSchema;
const deviceProperties = deviceSchema['properties'] as Readonly<Record<string, JsonSchema>>;

const string = (description?: string): JsonSchema => ({ type: 'string', ...(description === undefined ? {} : { description }) });
const integer = (description: string): JsonSchema => ({ type: 'integer', description });
const number = (description: string): JsonSchema => ({ type: 'number', description });
const codes = (values: object, description: string): JsonSchema => ({ type: 'integer', enum: Object.values(values), description });
const numbersByName = (description: string): JsonSchema => ({ type: 'object', additionalProperties: { type: 'number' }, description });

const apiError: JsonSchema = {
  $id: 'ApiError',
  type: 'object',
  description: 'Every error the API answers with',
  properties: {
    error: {
      type: 'object',
      properties: {
        code: string('What went wrong, in kebab case, e.g. invalid-parameter, vm-not-found, invalid-state'),
        returnValue: integer('The PROTOCOLS.md §6 return code, where the failure has one (32769 access denied, 32775 invalid state, …)'),
        message: string(),
        field: string('For bad input: the dotted path of the offending field, e.g. devices[0].class; empty for the body as a whole'),
      },
      required: ['code', 'message'],
      additionalProperties: false,
    },
  },
  required: ['error'],
  additionalProperties: false,
};

const vmSummaryProperties: Readonly<Record<string, JsonSchema>> = {
  id: string('The VM id (a GUID)'),
  name: string(),
  notes: string(),
  createdAt: string('ISO 8601'),
  processors: integer('Virtual processors'),
  memory: integer('Configured guest memory, bytes'),
  state: {
    type: 'string',
    enum: ['Running', 'Off', 'ShuttingDown', 'Starting', 'Paused', 'Saved', 'Stopping', 'Pausing', 'Resuming', 'Saving'],
    description: 'The name of enabledState',
  },
  enabledState: codes(EnabledState, 'EnabledState (PROTOCOLS.md §6)'),
  health: { type: 'string', enum: ['OK', 'MajorFailure', 'CriticalFailure'] },
  healthState: codes(HealthState, 'HealthState (PROTOCOLS.md §6)'),
  heartbeat: { type: 'string', enum: ['OK', 'Error', 'NoContact', 'LostCommunication'] },
  heartbeatStatus: codes(HeartbeatStatus, 'Heartbeat status (PROTOCOLS.md §6)'),
  uptimeMs: number('Milliseconds since the VM last reached Running; 0 when it is not running'),
  processorLoad: number('Processor load over the last sample, percent'),
  memoryUsage: number('Memory the VM uses, bytes'),
  asynchronousTasks: integer('Jobs of this VM not yet finished'),
  failure: string('Why the VM last failed, while health is not OK'),
  workerPid: integer('Process id of its worker process, while it has one'),
};
const vmSummaryRequired = [
  'id', 'name', 'createdAt', 'processors', 'memory', 'state', 'enabledState', 'health', 'healthState',
  'heartbeat', 'heartbeatStatus', 'uptimeMs', 'processorLoad', 'memoryUsage', 'asynchronousTasks',
];

const vmSummary: JsonSchema = {
  $id: 'VmSummary',
  type: 'object',
  description: 'The summary information of a VM (PROTOCOLS.md §6)',
  properties: vmSummaryProperties,
  required: vmSummaryRequired,
  additionalProperties: false,
};

const vmDetails: JsonSchema = {
  $id: 'VmDetails',
  type: 'object',
  description: 'A VM: its summary information and its configuration',
  properties: { ...vmSummaryProperties, configuration: schemaRef('VmConfiguration') },
  required: [...vmSummaryRequired, 'configuration'],
  additionalProperties: false,
};

/** A VM configuration as the inventory holds it: memory in bytes, every device's config free-form JSON. */
const vmConfiguration: JsonSchema = {
  ...configuration,
  $id: 'VmConfiguration',
  description: 'A VM configuration as the inventory keeps it',
  properties: {
    ...configurationProperties,
    memory: integer('Guest memory, bytes'),
    devices: {
      type: 'array',
      items: {
        ...deviceSchema,
        properties: { ...deviceProperties, config: { ...deviceProperties['config'], additionalProperties: true } },
        required: ['class', 'instanceId', 'config'],
      },
    },
  },
  required: [...(configuration['required'] as string[]), 'processors', 'devices'],
};

const deviceSummary: JsonSchema = {
  $id: 'DeviceSummary',
  type: 'object',
  description: 'A device of a VM as management sees it',
  properties: {
    class: string('Device class id'),
    instanceId: string('Instance GUID'),
    config: { type: 'object', additionalProperties: true, description: "The device class's configuration" },
    operations: {
      type: 'array',
      description: 'The operations its management provider offers, while the VM runs',
      items: {
        type: 'object',
        properties: { name: string(), description: string() },
        required: ['name', 'description'],
        additionalProperties: false,
      },
    },
    counters: numbersByName('Its counters, while the VM runs'),
  },
  required: ['class', 'instanceId', 'config', 'operations', 'counters'],
  additionalProperties: false,
};

const vmCounters: JsonSchema = {
  $id: 'VmCounters',
  type: 'object',
  description: "A VM's performance counters",
  properties: {
    vm: string("The VM's name"),
    sampledAt: string('ISO 8601 time of the sample'),
    processorLoad: number('Percent'),
    memoryUsage: number('Bytes'),
    uptimeMs: number('Milliseconds'),
    vpBusyMs: { type: 'array', items: { type: 'number' }, description: 'Busy time since start per virtual processor, ms' },
    partition: numbersByName('Partition counters (hypercalls, messages)'),
    devices: { type: 'object', additionalProperties: numbersByName('Counters of one device'), description: 'Per device instance id, its counters' },
  },
  required: ['vm', 'sampledAt', 'processorLoad', 'memoryUsage', 'uptimeMs', 'vpBusyMs', 'partition', 'devices'],
  additionalProperties: false,
};

const job: JsonSchema = {
  $id: 'Job',
  type: 'object',
  description: 'A job: one operation on one VM or on the host (Msvm_ConcreteJob)',
  properties: {
    id: string('A UUID'),
    operation: { type: 'string', enum: Object.keys(managementOperations) },
    vmId: string('The VM it acts on; absent for an operation of the host, such as converting a disk image'),
    state: codes(JobState, 'Job state (PROTOCOLS.md §6): 2 New, 3 Starting, 4 Running, 7 Completed, 8 Terminated, 9 Killed, 10 Exception'),
    percentComplete: integer('0 to 100'),
    errorCode: integer('For a job in Exception: the return code of its failure'),
    errorDescription: string('For a job in Exception: what went wrong'),
    submittedAt: string('ISO 8601'),
    startedAt: string('ISO 8601'),
    finishedAt: string('ISO 8601'),
  },
  required: ['id', 'operation', 'state', 'percentComplete', 'submittedAt'],
  additionalProperties: false,
};

const stateChangeResult: JsonSchema = {
  $id: 'StateChangeResult',
  type: 'object',
  description: 'The answer to RequestStateChange: 4096 and the job started, or 0 when the VM is already there',
  properties: { returnValue: { type: 'integer', enum: [0, 4096] }, job: schemaRef('Job') },
  required: ['returnValue'],
  additionalProperties: false,
};

const inventoryProblem: JsonSchema = {
  $id: 'InventoryProblem',
  type: 'object',
  description: 'A broken configuration file found when the inventory was loaded',
  properties: { file: string(), field: string('The offending field; empty for the whole file'), problem: string() },
  required: ['file', 'field', 'problem'],
  additionalProperties: false,
};

const vmmsEvent: JsonSchema = {
  $id: 'VmmsEvent',
  description: 'The data of one Server-Sent Event of GET /events; its event name is its type',
  oneOf: [
    eventOf('vm-state', { vm: schemaRef('VmSummary') }),
    eventOf('vm-defined', { vm: schemaRef('VmSummary') }),
    eventOf('vm-destroyed', { id: string(), name: string() }),
    eventOf('job', { job: schemaRef('Job') }),
  ],
};

function eventOf(type: string, properties: Readonly<Record<string, JsonSchema>>): JsonSchema {
  return {
    type: 'object',
    properties: { type: { const: type }, ...properties },
    required: ['type', ...Object.keys(properties)],
    additionalProperties: false,
  };
}

const imageInfo: JsonSchema = {
  $id: 'ImageInfo',
  type: 'object',
  description: 'A disk image of the host (Get-VHD)',
  properties: {
    path: string('The image file'),
    format: string('Its format, found from its content: vhdx, vhd, raw, …'),
    virtualSize: integer('The size of the disk the guest sees, bytes'),
    fileSize: integer('The size of the file on the host, bytes'),
    fixed: { type: 'boolean', description: 'Whether the whole virtual size is allocated (a fixed image) rather than as written' },
    blockSize: integer('For a dynamic or differencing image: its allocation unit, bytes'),
    sectorSize: integer('Logical sector size: 512 or 4096'),
    parent: string("For a differencing image: its parent's path"),
  },
  required: ['path', 'format', 'virtualSize', 'fileSize', 'fixed', 'sectorSize'],
  additionalProperties: false,
};

const imageCheckResult: JsonSchema = {
  $id: 'ImageCheckResult',
  type: 'object',
  description: 'What checking a disk image found',
  properties: {
    ok: { type: 'boolean', description: 'Whether the image opened and read through without a problem' },
    problems: { type: 'array', items: { type: 'string' }, description: 'Each problem found, one line each' },
  },
  required: ['ok', 'problems'],
  additionalProperties: false,
};

const switchDefinitionProperties = virtualSwitchDefinitionSchema.jsonSchema()['properties'] as Readonly<Record<string, JsonSchema>>;
const vlanId = (description: string): JsonSchema => ({ type: 'integer', minimum: 1, maximum: 4094, description });

const switchPort: JsonSchema = {
  type: 'object',
  description: 'A port of a virtual switch',
  properties: {
    name: string('The port, unique on its switch'),
    vm: string('The VM whose network adapter it connects'),
    macAddress: string("The adapter's MAC address"),
    vlan: {
      description: 'Its 802.1Q settings: an access port of one VLAN, or a trunk',
      anyOf: [
        { type: 'object', properties: { mode: { const: 'access' }, vlanId: vlanId('The VLAN, untagged') }, required: ['mode', 'vlanId'], additionalProperties: false },
        {
          type: 'object',
          properties: { mode: { const: 'trunk' }, allowedVlans: { type: 'array', items: vlanId('A VLAN carried tagged') }, nativeVlan: vlanId('The VLAN carried untagged') },
          required: ['mode', 'allowedVlans'],
          additionalProperties: false,
        },
      ],
    },
    counters: numbersByName("The port's counters by name"),
  },
  required: ['name', 'counters'],
  additionalProperties: false,
};

const virtualSwitch: JsonSchema = {
  $id: 'VirtualSwitch',
  type: 'object',
  description: "A virtual switch of the host: its definition, and its ports and counters now",
  properties: {
    ...switchDefinitionProperties,
    createdAt: string('Creation time, ISO 8601'),
    up: { type: 'boolean', description: 'Whether it is up in the switch service (false: it failed to come up when the VMMS started; see GET /inventory/problems)' },
    ports: { type: 'array', items: switchPort, description: 'The ports attached now' },
    counters: numbersByName("The switch's counters by name"),
  },
  required: ['name', 'kind', 'createdAt', 'up', 'ports', 'counters'],
  additionalProperties: false,
};

/** Every shared schema, to add to the Fastify instance and to the OpenAPI document's components. */
export const sharedSchemas: readonly JsonSchema[] = [
  apiError,
  vmSummary,
  vmDetails,
  vmConfiguration,
  deviceSummary,
  vmCounters,
  job,
  stateChangeResult,
  inventoryProblem,
  vmmsEvent,
  imageInfo,
  imageCheckResult,
  virtualSwitch,
];

/** The body of `POST /vms`: the service's own definition schema. */
export const defineVmBody: JsonSchema = {
  ...vmDefinitionSchema.jsonSchema(),
  description: 'A new VM. Memory in bytes or as text ("64M"); the VMMS assigns the id, the creation time and missing instance ids',
};

/** The body of `PATCH /vms/{vm}`: the service's own modification schema. */
export const modifyVmBody: JsonSchema = {
  ...vmModificationSchema.jsonSchema(),
  description: 'The fields to change; devices replaces the whole list. Memory, processors, haltPollUs, guest and devices need the VM Off',
};

/** The body of `POST /images`: the service's own creation schema. */
export const imageCreationBody: JsonSchema = {
  ...imageCreationSchema.jsonSchema(),
  description: 'A new disk image. Sizes in bytes or as text ("10G"); paths absolute',
};

/** The body of `POST /images/convert`: the service's own conversion schema. */
export const imageConversionBody: JsonSchema = {
  ...imageConversionSchema.jsonSchema(),
  description: 'What to convert, into what; paths absolute',
};

/** The body of `POST /images/check`. */
export const imagePathBody: JsonSchema = { ...imagePathSchema.jsonSchema(), description: 'The image to check' };

/** The query of `GET /images/info`. */
export const imagePathQuery: JsonSchema = imagePathSchema.jsonSchema();

/** The body of `POST /switches`: the SDK's own definition schema. */
export const switchDefinitionBody: JsonSchema = {
  ...virtualSwitchDefinitionSchema.jsonSchema(),
  description: 'A new virtual switch',
};

/** The `name` path parameter of `/switches/{name}`. */
export const switchParameter = { name: 'The virtual switch: its name (case-insensitive)' } as const;

/** The body of `POST /vms/{vm}/state`. */
export const stateChangeBody: JsonSchema = {
  type: 'object',
  properties: {
    requestedState: {
      description: 'The state asked for: a word, or the RequestStateChange code (PROTOCOLS.md §6; 2 also resumes a Paused VM)',
      anyOf: [
        { type: 'string', enum: [...requestedStateWords] },
        { type: 'integer', enum: Object.values(RequestedState) },
      ],
    },
  },
  required: ['requestedState'],
  additionalProperties: false,
};

/** Path parameters, each named and described. */
export function pathParameters(parameters: Readonly<Record<string, string>>): JsonSchema {
  return {
    type: 'object',
    properties: Object.fromEntries(
      Object.entries(parameters).map(([name, description]) => [name, { type: 'string', minLength: 1, maxLength: 256, description }]),
    ),
    required: Object.keys(parameters),
    additionalProperties: false,
  };
}

/** The `vm` path parameter. */
export const vmParameter = { vm: 'The VM: its name (case-insensitive) or its id' } as const;

/** The error answers every route may give. */
export const errorResponses: Readonly<Record<string, JsonSchema>> = {
  '4xx': schemaRef('ApiError'),
  '5xx': schemaRef('ApiError'),
};

/** A response that is not JSON: its media types, each a string. */
export function textResponse(description: string, ...mediaTypes: readonly string[]): JsonSchema {
  return { description, content: Object.fromEntries(mediaTypes.map((type) => [type, { schema: { type: 'string' } }])) };
}
