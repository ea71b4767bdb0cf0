import type { FastifyInstance } from 'fastify';
import { map } from 'rxjs';
import type { ApiRouteContext } from './api-route-context.js';
import type { ApiRouteSchema } from './api-route-schema.js';
import { errorResponses, textResponse } from './api-schemas.js';
import { streamServerSentEvents } from './server-sent-events.js';

const events: ApiRouteSchema = {
  operationId: 'streamEvents',
  summary: 'The event stream: VM state, health and heartbeat changes, VMs defined and destroyed, job changes',
  description:
    'Server-Sent Events: `event: <type>` and `data: <VmmsEvent as JSON>` (see the VmmsEvent schema), a keep-alive comment ' +
    'every 15 s. Events that happen after the request only.',
  tags: ['events'],
  operations: ['events.subscribe'],
  response: { 200: textResponse('An endless text/event-stream', 'text/event-stream'), ...errorResponses },
};

/** Registers `GET /events` on `app`. */
export function registerEventRoutes(app: FastifyInstance, { vmms, callerOf, streams }: ApiRouteContext): void {
  app.get('/events', { schema: events }, (request, reply) => {
    const events$ = vmms.events(callerOf(request));
    reply.hijack();
    streamServerSentEvents(reply.raw, events$.pipe(map((event) => ({ event: event.type, data: event }))), streams);
    return reply;
  });
}
