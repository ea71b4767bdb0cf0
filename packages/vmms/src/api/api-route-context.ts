import type { FastifyRequest } from 'fastify';
import type { Caller } from '../service/caller.js';
import type { Vmms } from '../service/vmms.js';
import type { ServerSentEventOptions } from './server-sent-events.js';

/** What the routes of the management API share. */
export interface ApiRouteContext {
  readonly vmms: Vmms;
  /** The caller `request` was authenticated as (every request is, before its route runs). */
  callerOf(request: FastifyRequest): Caller;
  /** How event streams (`GET /events`, a followed console) are kept. */
  readonly streams: ServerSentEventOptions;
}
