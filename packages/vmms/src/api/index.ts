/**
 * The REST API of the VMMS (DESIGN.md §6): {@link createManagementApi} over a {@link Vmms},
 * started with {@link listenOnUnixSocket} or {@link listenOnTcp}, callers authenticated by the
 * socket's mode or by bearer tokens from a {@link TokenTable}.
 * @packageDocumentation
 */
export { createManagementApi, MAX_BODY_BYTES, DEFAULT_EVENT_KEEP_ALIVE_MS, type ManagementApiOptions } from './management-api.js';
export type { ApiTransport } from './api-transport.js';
export { listenOnUnixSocket } from './unix-socket-listener.js';
export { UnixSocketPathError } from './unix-socket-path-error.js';
export { listenOnTcp, type TcpEndpoint } from './tcp-listener.js';
export { TcpWithoutTokensError } from './tcp-without-tokens-error.js';
export { TokenTable, type TokenEntry } from './token-table.js';
export { loadTokenTable, parseTokenTable, MIN_TOKEN_LENGTH } from './token-table-file.js';
export { TokenFileError } from './token-file-error.js';
export { SOCKET_OWNER } from './caller-authenticator.js';
export { UnauthenticatedError } from './unauthenticated-error.js';
export { apiErrorResponse, type ApiErrorBody, type ApiErrorResponse } from './api-error-response.js';
export { requestedStateWords, stateChangeOperationOf, type RequestedStateWord } from './requested-state-operation.js';
export { formatPrometheusText, PROMETHEUS_CONTENT_TYPE, type MetricFamily, type MetricSample } from './prometheus-exposition.js';
export type { OpenApiDocument } from './openapi-document.js';
