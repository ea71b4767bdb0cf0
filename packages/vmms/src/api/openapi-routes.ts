import type { JsonSchema } from '@tsvisor/device-sdk';
import type { FastifyInstance } from 'fastify';
import type { ApiRouteSchema } from './api-route-schema.js';
import { errorResponses } from './api-schemas.js';
import { buildOpenApiDocument, type DocumentedRoute, type OpenApiDocument } from './openapi-document.js';

const openApi: ApiRouteSchema = {
  operationId: 'getOpenApiDocument',
  summary: 'This document: the OpenAPI 3.1 description of the management API',
  tags: ['meta'],
  operations: [],
  response: { 200: { type: 'object', additionalProperties: true, description: 'An OpenAPI 3.1 document' }, ...errorResponses },
};

const info = {
  title: 'tsvisor VMMS management API',
  version: '1',
  description:
    'The Virtual Machine Management Service (DESIGN.md §6). On the Unix socket a request without credentials is the ' +
    "socket owner's (administrator); otherwise, and always over TCP, a bearer token names the caller and its role. " +
    'Errors are ApiError objects; returnValue carries the PROTOCOLS.md §6 code where there is one.',
};

/**
 * Registers `GET /openapi.json`, describing `routes` — every route of `app`, this one included,
 * collected as they were added — with `sharedSchemas` as components. Built once, on first request.
 */
export function registerOpenApiRoute(app: FastifyInstance, routes: readonly DocumentedRoute[], sharedSchemas: readonly JsonSchema[]): void {
  let document: OpenApiDocument | undefined;
  app.get('/openapi.json', { schema: openApi }, () => (document ??= buildOpenApiDocument(routes, sharedSchemas, info)));
}
