import type { JsonSchema } from '@tsvisor/device-sdk';
import { managementOperations, type ManagementOperation } from '../authorization/management-operation.js';
import { roleRank } from '../authorization/role.js';
import type { ApiRouteSchema } from './api-route-schema.js';

/** A route as the OpenAPI document describes it. */
export interface DocumentedRoute {
  readonly method: string;
  /** In Fastify's form: `/vms/:vm`. */
  readonly url: string;
  readonly schema: ApiRouteSchema;
}

/** The OpenAPI document, as plain JSON. */
export type OpenApiDocument = { readonly openapi: '3.1.0' } & JsonSchema;

const statusDescriptions: Readonly<Record<string, string>> = {
  '200': 'OK',
  '201': 'Created',
  '202': 'Accepted: a job was started; follow it at /jobs/{id}',
  '4XX': 'Refused: the body is an ApiError, its error.code says why',
  '5XX': 'The VMMS failed: the body is an ApiError',
};

/** `X#` (a Fastify shared-schema reference) becomes `#/components/schemas/X`; `$id`s go. */
function toDocumentSchema(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(toDocumentSchema);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== '$id')
      .map(([key, item]) => [
        key,
        key === '$ref' && typeof item === 'string' && item.endsWith('#') ? `#/components/schemas/${item.slice(0, -1)}` : toDocumentSchema(item),
      ]),
  );
}

function parametersOf(schema: JsonSchema | undefined, location: 'path' | 'query'): JsonSchema[] {
  if (schema === undefined) return [];
  const properties = (schema['properties'] ?? {}) as Readonly<Record<string, JsonSchema>>;
  const required = new Set((schema['required'] ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: location,
      required: location === 'path' || required.has(name),
      ...(description === undefined ? {} : { description }),
      schema: toDocumentSchema(rest),
    };
  });
}

function responseOf(status: string, schema: JsonSchema): JsonSchema {
  const content = schema['content'] as Readonly<Record<string, { readonly schema: JsonSchema }>> | undefined;
  const description = (schema['description'] as string | undefined) ?? statusDescriptions[status] ?? 'Answer';
  if (content !== undefined) {
    return { description, content: toDocumentSchema(content) };
  }
  return { description, content: { 'application/json': { schema: toDocumentSchema(schema) } } };
}

/** What the caller needs, from the operations' policies: the one place roles are decided. */
function authorizationOf(operations: readonly ManagementOperation[]): string {
  if (operations.length === 0) return 'Any authenticated caller.';
  const leastRole = operations
    .map((operation) => managementOperations[operation].leastRole)
    .reduce((highest, role) => (roleRank[role] > roleRank[highest] ? role : highest));
  return `Authorized as ${operations.join(', ')}: least role ${leastRole}.`;
}

function operationOf(schema: ApiRouteSchema): JsonSchema {
  const parameters = [...parametersOf(schema.params, 'path'), ...parametersOf(schema.querystring, 'query')];
  const responses = Object.fromEntries(
    Object.entries(schema.response).map(([status, response]) => {
      const key = status.toUpperCase();
      return [key, responseOf(key, response)];
    }),
  );
  return {
    operationId: schema.operationId,
    summary: schema.summary,
    description: [schema.description, authorizationOf(schema.operations)].filter(Boolean).join('\n\n'),
    tags: schema.tags,
    'x-tsvisor-operations': schema.operations,
    ...(parameters.length === 0 ? {} : { parameters }),
    ...(schema.body === undefined
      ? {}
      : { requestBody: { required: schema.optionalBody !== true, content: { 'application/json': { schema: toDocumentSchema(schema.body) } } } }),
    responses,
  };
}

/**
 * The OpenAPI 3.1 document of `routes`, built from the very schemas Fastify validates and
 * serializes them with; `sharedSchemas` (each with an `$id`) become its components.
 */
export function buildOpenApiDocument(
  routes: readonly DocumentedRoute[],
  sharedSchemas: readonly JsonSchema[],
  info: { readonly title: string; readonly version: string; readonly description: string },
): OpenApiDocument {
  const paths: Record<string, Record<string, JsonSchema>> = {};
  for (const { method, url, schema } of routes) {
    const path = url.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
    paths[path] = { ...paths[path], [method.toLowerCase()]: operationOf(schema) };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas: Object.fromEntries(sharedSchemas.map((schema) => [schema['$id'] as string, toDocumentSchema(schema)])),
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } },
    },
    // No credentials at all is the Unix socket's owner; over TCP a bearer token is required.
    security: [{ bearer: [] }, {}],
  };
}
