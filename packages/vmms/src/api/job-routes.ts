import type { FastifyInstance } from 'fastify';
import type { ApiRouteContext } from './api-route-context.js';
import type { ApiRouteSchema } from './api-route-schema.js';
import { errorResponses, pathParameters, schemaRef } from './api-schemas.js';

const jobParams = pathParameters({ id: 'The job id' });

const list: ApiRouteSchema = {
  operationId: 'listJobs',
  summary: 'Every running job and the finished ones kept',
  tags: ['jobs'],
  operations: ['job.list'],
  response: { 200: { type: 'array', items: schemaRef('Job') }, ...errorResponses },
};

const get: ApiRouteSchema = {
  operationId: 'getJob',
  summary: 'One job, as it is now',
  tags: ['jobs'],
  operations: ['job.get'],
  params: jobParams,
  response: { 200: schemaRef('Job'), ...errorResponses },
};

const cancel: ApiRouteSchema = {
  operationId: 'cancelJob',
  summary: 'Ask a running job to stop',
  description: 'The job becomes Terminated (8) once its work has stopped: follow it at GET /jobs/{id}.',
  tags: ['jobs'],
  operations: ['job.cancel'],
  params: jobParams,
  response: { 202: schemaRef('Job', 'The job as it was when cancellation was asked'), ...errorResponses },
};

/** Registers `/jobs` on `app`. */
export function registerJobRoutes(app: FastifyInstance, { vmms, callerOf }: ApiRouteContext): void {
  app.get('/jobs', { schema: list }, (request) => vmms.jobs(callerOf(request)));
  app.get<{ Params: { id: string } }>('/jobs/:id', { schema: get }, (request) => vmms.job(callerOf(request), request.params.id));
  app.delete<{ Params: { id: string } }>('/jobs/:id', { schema: cancel }, (request, reply) =>
    reply.code(202).send(vmms.cancelJob(callerOf(request), request.params.id)),
  );
}
