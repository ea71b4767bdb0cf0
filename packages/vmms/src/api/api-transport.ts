/**
 * How a management API listener is reached, fixed when the API is created and never read from a
 * request: on the `unix-socket` the socket file's mode (0600) authenticates its owner, as with
 * Docker; over `tcp` every request needs a bearer token.
 */
export type ApiTransport = 'unix-socket' | 'tcp';
