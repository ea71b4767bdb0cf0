import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { authenticatorOf } from './management-api.js';
import { TcpWithoutTokensError } from './tcp-without-tokens-error.js';

/** Where to listen on TCP. */
export interface TcpEndpoint {
  /** An address of this host, e.g. `127.0.0.1`. */
  readonly host: string;
  /** 0 for any free port. */
  readonly port: number;
}

/**
 * Starts `app` (made by `createManagementApi` for the `tcp` transport) on TCP; every request then
 * needs a bearer token. Resolves with the address it listens on (the port chosen, if `port` was 0).
 * @throws TcpWithoutTokensError if the API has no bearer tokens.
 */
export async function listenOnTcp(app: FastifyInstance, { host, port }: TcpEndpoint): Promise<AddressInfo> {
  const authenticator = authenticatorOf(app);
  if (authenticator.transport !== 'tcp') throw new TypeError(`app: made for transport ${authenticator.transport}, not tcp`);
  if (authenticator.tokens.size === 0) throw new TcpWithoutTokensError();
  await app.listen({ host, port });
  return app.server.address() as AddressInfo;
}
