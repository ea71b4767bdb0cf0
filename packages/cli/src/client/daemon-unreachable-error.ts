import { formatDaemonEndpoint, type DaemonEndpoint } from './daemon-endpoint.js';

/** The daemon could not be reached: no socket, connection refused, no answer in time, or not an HTTP answer. */
export class DaemonUnreachableError extends Error {
  override readonly name = 'DaemonUnreachableError';

  constructor(
    readonly endpoint: DaemonEndpoint,
    /** Why, in a few words: `connection refused`, `no socket at …`, `no answer within 30s`. */
    readonly reason: string,
    options?: ErrorOptions,
  ) {
    super(`cannot reach the tsvisor daemon at ${formatDaemonEndpoint(endpoint)}: ${reason}`, options);
  }
}
