import type { FastifyInstance } from 'fastify';
import type { RequestedState } from '../state/requested-state.js';
import { ReturnCode } from '../state/return-code.js';
import type { ApiRouteContext } from './api-route-context.js';
import type { ApiRouteSchema } from './api-route-schema.js';
import { defineVmBody, errorResponses, modifyVmBody, pathParameters, schemaRef, stateChangeBody, vmParameter } from './api-schemas.js';
import { stateChangeOperationOf, type RequestedStateWord } from './requested-state-operation.js';

const vmParams = pathParameters(vmParameter);

const list: ApiRouteSchema = {
  operationId: 'listVms',
  summary: 'List the VMs with their summary information',
  tags: ['vms'],
  operations: ['vm.list'],
  response: { 200: { type: 'array', items: schemaRef('VmSummary') }, ...errorResponses },
};

const define: ApiRouteSchema = {
  operationId: 'defineVm',
  summary: 'Define a new VM',
  description: 'Writes its configuration to the inventory as a job; the VM is Off. Location names the new VM.',
  tags: ['vms'],
  operations: ['vm.define'],
  body: defineVmBody,
  response: {
    201: {
      type: 'object',
      properties: { vm: schemaRef('VmDetails'), job: schemaRef('Job') },
      required: ['vm', 'job'],
      additionalProperties: false,
    },
    ...errorResponses,
  },
};

const get: ApiRouteSchema = {
  operationId: 'getVm',
  summary: 'One VM: its summary information and its configuration',
  tags: ['vms'],
  operations: ['vm.get'],
  params: vmParams,
  response: { 200: schemaRef('VmDetails'), ...errorResponses },
};

const modify: ApiRouteSchema = {
  operationId: 'modifyVm',
  summary: "Change a VM's configuration",
  description: 'Memory, processors, haltPollUs, guest and devices can change only while the VM is Off (409 invalid-state otherwise).',
  tags: ['vms'],
  operations: ['vm.modify'],
  params: vmParams,
  body: modifyVmBody,
  response: {
    200: {
      type: 'object',
      properties: { vm: schemaRef('VmDetails'), job: schemaRef('Job') },
      required: ['vm', 'job'],
      additionalProperties: false,
    },
    ...errorResponses,
  },
};

const destroy: ApiRouteSchema = {
  operationId: 'destroyVm',
  summary: 'Destroy a VM: remove it from the inventory',
  description: 'Only an Off VM can be destroyed (409 invalid-state otherwise).',
  tags: ['vms'],
  operations: ['vm.destroy'],
  params: vmParams,
  response: {
    202: { type: 'object', properties: { job: schemaRef('Job') }, required: ['job'], additionalProperties: false },
    ...errorResponses,
  },
};

const requestStateChange: ApiRouteSchema = {
  operationId: 'requestStateChange',
  summary: "Change a VM's state: run, off, shutdown, reboot, reset, pause, resume",
  description:
    'RequestStateChange (PROTOCOLS.md §6). 202 with returnValue 4096 and the job started; 200 with returnValue 0 when the VM ' +
    'is already there. 409 invalid-state (32775) when the change is not possible from the current state or another is under ' +
    'way; 400 not-supported (32770) for save.',
  tags: ['vms'],
  operations: ['vm.run', 'vm.off', 'vm.shutdown', 'vm.reboot', 'vm.reset', 'vm.pause', 'vm.resume'],
  params: vmParams,
  body: stateChangeBody,
  response: {
    200: schemaRef('StateChangeResult', 'Already in that state: returnValue 0'),
    202: schemaRef('StateChangeResult', 'Job started: returnValue 4096, follow the job'),
    ...errorResponses,
  },
};

const devices: ApiRouteSchema = {
  operationId: 'listVmDevices',
  summary: 'The devices of a VM, with their operations and counters while it runs',
  tags: ['vms'],
  operations: ['vm.get'],
  params: vmParams,
  response: { 200: { type: 'array', items: schemaRef('DeviceSummary') }, ...errorResponses },
};

const invokeDeviceOperation: ApiRouteSchema = {
  operationId: 'invokeDeviceOperation',
  summary: "Invoke an operation of a running VM's device",
  description: 'The body is the operation\'s input, any JSON value, checked by the device (400 with the field at fault).',
  tags: ['vms'],
  operations: ['device.invoke'],
  params: pathParameters({
    ...vmParameter,
    instanceId: 'The instance id of the device',
    operation: 'The name of the operation, as GET /vms/{vm}/devices lists it',
  }),
  optionalBody: true,
  body: { description: "The operation's input" },
  response: {
    200: { type: 'object', properties: { result: { description: "The operation's result; null if it has none" } }, additionalProperties: false },
    ...errorResponses,
  },
};

const counters: ApiRouteSchema = {
  operationId: 'getVmCounters',
  summary: "A VM's performance counters",
  tags: ['vms'],
  operations: ['vm.counters'],
  params: vmParams,
  response: { 200: schemaRef('VmCounters'), ...errorResponses },
};

/** Registers `/vms` and its sub-resources (the console aside) on `app`. */
export function registerVmRoutes(app: FastifyInstance, { vmms, callerOf }: ApiRouteContext): void {
  app.get('/vms', { schema: list }, (request) => vmms.list(callerOf(request)));

  app.post('/vms', { schema: define }, async (request, reply) => {
    const created = await vmms.define(callerOf(request), request.body);
    return reply.code(201).header('location', `/vms/${encodeURIComponent(created.vm.id)}`).send(created);
  });

  app.get<{ Params: { vm: string } }>('/vms/:vm', { schema: get }, (request) => vmms.get(callerOf(request), request.params.vm));

  app.patch<{ Params: { vm: string } }>('/vms/:vm', { schema: modify }, (request) =>
    vmms.modify(callerOf(request), request.params.vm, request.body),
  );

  app.delete<{ Params: { vm: string } }>('/vms/:vm', { schema: destroy }, async (request, reply) =>
    reply.code(202).send(await vmms.destroy(callerOf(request), request.params.vm)),
  );

  app.post<{ Params: { vm: string }; Body: { requestedState: RequestedStateWord | RequestedState } }>(
    '/vms/:vm/state',
    { schema: requestStateChange },
    async (request, reply) => {
      const operation = stateChangeOperationOf(request.body.requestedState);
      const result = await vmms.requestStateChange(callerOf(request), request.params.vm, operation);
      return reply.code(result.returnValue === ReturnCode.JobStarted ? 202 : 200).send(result);
    },
  );

  app.get<{ Params: { vm: string } }>('/vms/:vm/devices', { schema: devices }, (request) =>
    vmms.devices(callerOf(request), request.params.vm),
  );

  app.post<{ Params: { vm: string; instanceId: string; operation: string } }>(
    '/vms/:vm/devices/:instanceId/operations/:operation',
    { schema: invokeDeviceOperation },
    async (request) => {
      const { vm, instanceId, operation } = request.params;
      const result = await vmms.invokeDeviceOperation(callerOf(request), vm, instanceId, operation, request.body);
      return { result: result ?? null };
    },
  );

  app.get<{ Params: { vm: string } }>('/vms/:vm/counters', { schema: counters }, (request) =>
    vmms.counters(callerOf(request), request.params.vm),
  );
}
