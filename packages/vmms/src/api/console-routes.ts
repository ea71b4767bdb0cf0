import type { FastifyInstance } from 'fastify';
import { concat, map, of } from 'rxjs';
import type { ApiRouteContext } from './api-route-context.js';
import type { ApiRouteSchema } from './api-route-schema.js';
import { errorResponses, pathParameters, textResponse, vmParameter } from './api-schemas.js';
import { streamServerSentEvents } from './server-sent-events.js';

const consoleSchema: ApiRouteSchema = {
  operationId: 'readVmConsole',
  summary: "A VM's console output",
  description:
    'The output kept so far, as text/plain. With follow=1, a text/event-stream instead: `console` events whose data is a ' +
    'JSON string of console text, the output kept so far first.',
  tags: ['vms'],
  operations: ['console.read'],
  params: pathParameters(vmParameter),
  querystring: {
    type: 'object',
    properties: { follow: { type: 'string', enum: ['0', '1', 'false', 'true'], description: 'Stream the output as it comes' } },
    additionalProperties: false,
  },
  response: { 200: textResponse('The console output', 'text/plain', 'text/event-stream'), ...errorResponses },
};

/** Registers `GET /vms/{vm}/console` on `app`. */
export function registerConsoleRoutes(app: FastifyInstance, { vmms, callerOf, streams }: ApiRouteContext): void {
  app.get<{ Params: { vm: string }; Querystring: { follow?: '0' | '1' | 'false' | 'true' } }>(
    '/vms/:vm/console',
    { schema: consoleSchema },
    async (request, reply) => {
      const { history, text$ } = await vmms.console(callerOf(request), request.params.vm);
      const follow = request.query.follow === '1' || request.query.follow === 'true';
      if (!follow) return reply.type('text/plain; charset=utf-8').send(history);
      reply.hijack();
      const console$ = concat(history === '' ? of() : of(history), text$).pipe(map((text) => ({ event: 'console', data: text })));
      streamServerSentEvents(reply.raw, console$, streams);
      return reply;
    },
  );
}
