import type { JsonSchema } from '@tsvisor/device-sdk';
import type { FastifySchema } from 'fastify';
import type { ManagementOperation } from '../authorization/management-operation.js';

/**
 * A route's schema: what Fastify validates and serializes with, plus what the OpenAPI document
 * says about the route (Fastify ignores those keys).
 */
export interface ApiRouteSchema extends FastifySchema {
  /** A unique name of the operation, e.g. `listVms`. */
  readonly operationId: string;
  /** One line. */
  readonly summary: string;
  readonly description?: string;
  /** The resource it belongs to: `vms`, `jobs`, `events`, … */
  readonly tags: readonly string[];
  /** The operations the service authorizes the caller for (the document states the least role they need); none: any caller. */
  readonly operations: readonly ManagementOperation[];
  /** Set when the route takes a body but may be sent without one. */
  readonly optionalBody?: true;
  readonly body?: JsonSchema;
  readonly querystring?: JsonSchema;
  readonly params?: JsonSchema;
  /** By status code (`200`, `4xx`): a JSON schema, or `{ description, content: { <media type>: { schema } } }`. */
  readonly response: Readonly<Record<string, JsonSchema>>;
}
