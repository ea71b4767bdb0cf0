import { DeviceConfigError } from '@tsvisor/device-sdk';
import Fastify, { type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import { Subject } from 'rxjs';
import type { Caller } from '../service/caller.js';
import type { Vmms } from '../service/vmms.js';
import { apiErrorResponse } from './api-error-response.js';
import type { ApiRouteContext } from './api-route-context.js';
import type { ApiRouteSchema } from './api-route-schema.js';
import { sharedSchemas } from './api-schemas.js';
import type { ApiTransport } from './api-transport.js';
import { CallerAuthenticator } from './caller-authenticator.js';
import { registerConsoleRoutes } from './console-routes.js';
import { registerEventRoutes } from './event-routes.js';
import { registerImageRoutes } from './image-routes.js';
import { registerInventoryRoutes } from './inventory-routes.js';
import { registerJobRoutes } from './job-routes.js';
import { registerMetricsRoutes } from './metrics-routes.js';
import type { DocumentedRoute } from './openapi-document.js';
import { registerOpenApiRoute } from './openapi-routes.js';
import type { TokenTable } from './token-table.js';
import { validationFailureOf } from './validation-failure.js';
import { registerSwitchRoutes } from './switch-routes.js';
import { registerVmRoutes } from './vm-routes.js';

/** The largest request body accepted: a VM definition is a few KiB. */
export const MAX_BODY_BYTES = 64 * 1024;
/** How often an event stream sends a keep-alive comment by default. */
export const DEFAULT_EVENT_KEEP_ALIVE_MS = 15_000;
/** How much unread output an event stream may pile up before its client is disconnected. */
const MAX_STREAM_BUFFER_BYTES = 1024 * 1024;

/** How {@link createManagementApi} sets up one listener's API. */
export interface ManagementApiOptions {
  /** The bearer tokens accepted. Over TCP one is always required, so TCP needs at least one. */
  readonly tokens: TokenTable;
  /** The listener this API serves; `listenOnUnixSocket` and `listenOnTcp` check it. */
  readonly transport: ApiTransport;
  /** Fastify's logger setting (default: none); failures answered with a 500 are logged at error level. */
  readonly logger?: FastifyServerOptions['logger'];
  /** How often event streams send a keep-alive comment (default {@link DEFAULT_EVENT_KEEP_ALIVE_MS}). */
  readonly eventKeepAliveMs?: number;
}

const authenticators = new WeakMap<FastifyInstance, CallerAuthenticator>();

/**
 * The {@link CallerAuthenticator} of an API made by {@link createManagementApi}, for its listener.
 * @internal
 */
export function authenticatorOf(app: FastifyInstance): CallerAuthenticator {
  const authenticator = authenticators.get(app);
  if (authenticator === undefined) throw new TypeError('app: not a management API made by createManagementApi');
  return authenticator;
}

/**
 * The REST API of `vmms` (DESIGN.md §6) for one listener: JSON routes for VMs, devices, state
 * changes, jobs, the inventory, the host's disk images and virtual switches, Server-Sent Events for events and consoles, Prometheus metrics,
 * and its own OpenAPI 3.1 document at `/openapi.json`.
 *
 * Every request is authenticated before its route runs (see {@link CallerAuthenticator}); the
 * service authorizes the caller. Bodies are JSON only, at most {@link MAX_BODY_BYTES}, and checked
 * against the route's schema — unknown properties refused — with errors naming the field, in the
 * one `ApiErrorBody` shape (see `apiErrorResponse`). Start it with `listenOnUnixSocket` or
 * `listenOnTcp`; `app.close()` ends every event stream.
 */
export function createManagementApi(vmms: Vmms, options: ManagementApiOptions): FastifyInstance {
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: MAX_BODY_BYTES,
    exposeHeadRoutes: false,
    onProtoPoisoning: 'error',
    onConstructorPoisoning: 'error',
    // Refuse rather than repair: no unknown properties dropped, no defaults or type coercions slipped in.
    ajv: { customOptions: { removeAdditional: false, useDefaults: false, coerceTypes: false, allErrors: false } },
    schemaErrorFormatter: (errors) => {
      const { field, problem } = validationFailureOf(errors);
      return new DeviceConfigError(field, problem);
    },
  });
  const authenticator = new CallerAuthenticator(options.transport, options.tokens);
  authenticators.set(app, authenticator);
  app.server.on('connection', (socket) => authenticator.connected(socket));

  const closing = new Subject<void>();
  // Before the server waits for its connections: event streams would keep it open for ever.
  app.addHook('preClose', async () => {
    closing.next();
    closing.complete();
  });

  app.decorateRequest('caller', null);
  app.addHook('onRequest', async (request) => {
    request.setDecorator<Caller>('caller', authenticator.authenticate(request.headers.authorization, request.raw.socket));
  });

  app.setErrorHandler((error, request, reply) => {
    const { statusCode, body, headers } = apiErrorResponse(error);
    if (statusCode >= 500) request.log.error({ err: error }, 'management request failed');
    return reply.code(statusCode).headers(headers ?? {}).send(body);
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({ error: { code: 'route-not-found', message: `there is no route ${request.method} ${request.url}` } }),
  );
  app.removeContentTypeParser('text/plain');

  for (const schema of sharedSchemas) app.addSchema(schema);
  const routes: DocumentedRoute[] = [];
  app.addHook('onRoute', ({ method, url, schema }) => {
    for (const each of [method].flat()) routes.push({ method: each, url, schema: schema as ApiRouteSchema });
  });

  const context: ApiRouteContext = {
    vmms,
    callerOf: (request: FastifyRequest) => request.getDecorator<Caller>('caller'),
    streams: {
      keepAliveMs: options.eventKeepAliveMs ?? DEFAULT_EVENT_KEEP_ALIVE_MS,
      maxBufferedBytes: MAX_STREAM_BUFFER_BYTES,
      closing$: closing.asObservable(),
    },
  };
  registerVmRoutes(app, context);
  registerConsoleRoutes(app, context);
  registerJobRoutes(app, context);
  registerEventRoutes(app, context);
  registerInventoryRoutes(app, context);
  registerImageRoutes(app, context);
  registerSwitchRoutes(app, context);
  registerMetricsRoutes(app, context);
  registerOpenApiRoute(app, routes, sharedSchemas);
  return app;
}
