/**
 * The `acme.entropy` wire protocol: layouts, constants and the pure functions both sides use to
 * build and read messages. No I/O, plain JavaScript: it runs in a guest realm.
 * @packageDocumentation
 */
export * from './entropy-protocol.js';
export { EntropyRequestError } from './entropy-request-error.js';
