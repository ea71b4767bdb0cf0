import type { Socket } from 'node:net';
import { Role } from '../authorization/role.js';
import type { Caller } from '../service/caller.js';
import type { ApiTransport } from './api-transport.js';
import type { TokenTable } from './token-table.js';
import { UnauthenticatedError } from './unauthenticated-error.js';

/** Who connects to the Unix socket without a token: its owner (the socket's mode 0600 lets no one else in). */
export const SOCKET_OWNER: Caller = Object.freeze({ name: 'local', role: Role.Administrator });

/** RFC 6750 §2.1: `Bearer` and a b64token. */
const BEARER = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * Decides who sent a request from what no client can forge: the listener's transport, the
 * connection it came on, and the bearer token, looked up in constant time. A header never says
 * which transport a request came over.
 */
export class CallerAuthenticator {
  /** Connections accepted before the socket file was restricted to its owner. */
  readonly #untrusted = new WeakSet<Socket>();
  #ownerOnly = false;

  constructor(
    /** The listener this authenticator serves. */
    readonly transport: ApiTransport,
    /** The bearer tokens accepted. */
    readonly tokens: TokenTable,
  ) {}

  /** Notes a new connection: one accepted before {@link restrictedToOwner} never counts as the owner's. */
  connected(socket: Socket): void {
    if (!this.#ownerOnly) this.#untrusted.add(socket);
  }

  /** Called once the Unix socket file has mode 0600: from now on a connection to it is its owner's. */
  restrictedToOwner(): void {
    if (this.transport === 'unix-socket') this.#ownerOnly = true;
  }

  /**
   * The caller of a request that came on `socket` with `authorization` (the header, if any).
   * @throws UnauthenticatedError if a token is needed and missing, malformed or unknown.
   */
  authenticate(authorization: string | undefined, socket: Socket): Caller {
    if (authorization === undefined) {
      if (this.#isOwnerConnection(socket)) return SOCKET_OWNER;
      throw new UnauthenticatedError(false, 'a bearer token is required');
    }
    const token = BEARER.exec(authorization)?.[1];
    if (token === undefined) throw new UnauthenticatedError(true, 'the Authorization header is not a bearer token');
    const caller = this.tokens.callerOf(token);
    if (caller === undefined) throw new UnauthenticatedError(true, 'the bearer token is not valid');
    return caller;
  }

  #isOwnerConnection(socket: Socket): boolean {
    // A Unix socket connection has no remote address; a TCP one always has one.
    return this.#ownerOnly && socket.remoteAddress === undefined && !this.#untrusted.has(socket);
  }
}
