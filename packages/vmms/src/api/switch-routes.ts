import type { FastifyInstance } from 'fastify';
import type { ApiRouteContext } from './api-route-context.js';
import type { ApiRouteSchema } from './api-route-schema.js';
import { errorResponses, pathParameters, schemaRef, switchDefinitionBody, switchParameter } from './api-schemas.js';

const NO_SERVICE = 'Without a virtual switch service in the host build (a network plugin), 400 not-supported (32770).';

const list: ApiRouteSchema = {
  operationId: 'listSwitches',
  summary: 'List the virtual switches of the host, with their ports and counters',
  description: NO_SERVICE,
  tags: ['switches'],
  operations: ['switch.list'],
  response: { 200: { type: 'array', items: schemaRef('VirtualSwitch') }, ...errorResponses },
};

const create: ApiRouteSchema = {
  operationId: 'createSwitch',
  summary: 'Create a virtual switch (New-VMSwitch): bring it up and keep its definition in the inventory',
  description: `A job the answer waits for; Location names the new switch. A name another switch has (ignoring case): 409 duplicate-switch-name, field name. ${NO_SERVICE}`,
  tags: ['switches'],
  operations: ['switch.create'],
  body: switchDefinitionBody,
  response: {
    201: {
      type: 'object',
      properties: { switch: schemaRef('VirtualSwitch'), job: schemaRef('Job') },
      required: ['switch', 'job'],
      additionalProperties: false,
    },
    ...errorResponses,
  },
};

const get: ApiRouteSchema = {
  operationId: 'getSwitch',
  summary: 'Read one virtual switch: its definition, its ports (VM, MAC address, VLAN, counters) and counters',
  description: `404 switch-not-found for none. ${NO_SERVICE}`,
  tags: ['switches'],
  operations: ['switch.get'],
  params: pathParameters(switchParameter),
  response: { 200: schemaRef('VirtualSwitch'), ...errorResponses },
};

const remove: ApiRouteSchema = {
  operationId: 'deleteSwitch',
  summary: 'Delete a virtual switch (Remove-VMSwitch)',
  description: `A job the answer waits for. While VM ports are attached: 409 switch-in-use (32775), nothing changes. ${NO_SERVICE}`,
  tags: ['switches'],
  operations: ['switch.delete'],
  params: pathParameters(switchParameter),
  response: {
    202: { type: 'object', properties: { job: schemaRef('Job') }, required: ['job'], additionalProperties: false },
    ...errorResponses,
  },
};

/** Registers `/switches`, the host's virtual switch management, on `app`. */
export function registerSwitchRoutes(app: FastifyInstance, { vmms, callerOf }: ApiRouteContext): void {
  app.get('/switches', { schema: list }, (request) => vmms.listSwitches(callerOf(request)));
  app.post('/switches', { schema: create }, async (request, reply) => {
    const created = await vmms.createSwitch(callerOf(request), request.body);
    return reply.code(201).header('location', `/switches/${encodeURIComponent(created.switch.name)}`).send(created);
  });
  app.get<{ Params: { name: string } }>('/switches/:name', { schema: get }, (request) => vmms.getSwitch(callerOf(request), request.params.name));
  app.delete<{ Params: { name: string } }>('/switches/:name', { schema: remove }, async (request, reply) =>
    reply.code(202).send(await vmms.deleteSwitch(callerOf(request), request.params.name)),
  );
}
