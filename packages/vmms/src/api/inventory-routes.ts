import type { FastifyInstance } from 'fastify';
import type { ApiRouteContext } from './api-route-context.js';
import type { ApiRouteSchema } from './api-route-schema.js';
import { errorResponses, schemaRef } from './api-schemas.js';

const problems: ApiRouteSchema = {
  operationId: 'listInventoryProblems',
  summary: 'The broken configuration files found when the inventory was loaded',
  description: 'Each names the file, the field at fault (empty for the whole file) and what is wrong; such VMs are not listed.',
  tags: ['inventory'],
  operations: ['vm.list'],
  response: { 200: { type: 'array', items: schemaRef('InventoryProblem') }, ...errorResponses },
};

/** Registers `/inventory` on `app`. */
export function registerInventoryRoutes(app: FastifyInstance, { vmms, callerOf }: ApiRouteContext): void {
  app.get('/inventory/problems', { schema: problems }, (request) => vmms.inventoryProblems(callerOf(request)));
}
