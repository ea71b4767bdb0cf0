import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ApiTransport } from './api-transport.js';
import { CallerAuthenticator, SOCKET_OWNER } from './caller-authenticator.js';
import { TokenTable } from './token-table.js';
import { UnauthenticatedError } from './unauthenticated-error.js';

const token = 'operator-token-0123456789abcdef';
const tokens = TokenTable.of([{ name: 'ci', role: 'operator', token }]);

let directory: string;
let server: Server | undefined;
const clients: Socket[] = [];

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'authenticator-'));
});

afterEach(async () => {
  for (const client of clients.splice(0)) client.destroy();
  if (server !== undefined) await new Promise((resolve) => server!.close(resolve));
  server = undefined;
  await rm(directory, { recursive: true, force: true });
});

/** A real listener whose accepted connections the authenticator sees; `accept()` connects a client and yields the server's side. */
async function listen(authenticator: CallerAuthenticator, where: 'unix' | 'tcp'): Promise<{ accept(): Promise<Socket> }> {
  const accepted: Socket[] = [];
  const waiting: ((socket: Socket) => void)[] = [];
  const listening = createServer((socket) => {
    authenticator.connected(socket);
    const waiter = waiting.shift();
    if (waiter) waiter(socket);
    else accepted.push(socket);
  });
  server = listening;
  const path = join(directory, 'auth.sock');
  await new Promise<void>((resolve) => (where === 'unix' ? listening.listen(path, resolve) : listening.listen(0, '127.0.0.1', resolve)));
  return {
    accept() {
      const address = listening.address();
      clients.push(where === 'unix' ? connect(path) : connect({ host: '127.0.0.1', port: typeof address === 'object' && address ? address.port : 0 }));
      return new Promise((resolve) => {
        const ready = accepted.shift();
        if (ready) resolve(ready);
        else waiting.push(resolve);
      });
    },
  };
}

const authenticatorFor = (transport: ApiTransport): CallerAuthenticator => new CallerAuthenticator(transport, tokens);

describe('CallerAuthenticator', () => {
  it("takes a credential-less connection to the restricted Unix socket for its owner's", async () => {
    const authenticator = authenticatorFor('unix-socket');
    const listener = await listen(authenticator, 'unix');
    authenticator.restrictedToOwner();
    expect(authenticator.authenticate(undefined, await listener.accept())).toBe(SOCKET_OWNER);
  });

  it('never takes a connection accepted before the socket was restricted for the owner', async () => {
    const authenticator = authenticatorFor('unix-socket');
    const listener = await listen(authenticator, 'unix');
    const early = await listener.accept();
    authenticator.restrictedToOwner();
    expect(() => authenticator.authenticate(undefined, early)).toThrow(UnauthenticatedError);
    expect(authenticator.authenticate(`Bearer ${token}`, early)).toEqual({ name: 'ci', role: 'operator' });
  });

  it.each(['unix-socket', 'tcp'] as const)('never takes a TCP connection for the owner, in an API made for %s', async (transport) => {
    const authenticator = authenticatorFor(transport);
    const listener = await listen(authenticator, 'tcp');
    authenticator.restrictedToOwner();
    const socket = await listener.accept();
    expect(() => authenticator.authenticate(undefined, socket)).toThrow(UnauthenticatedError);
  });

  it('checks a presented token even on the Unix socket, and accepts only the Bearer scheme', async () => {
    const authenticator = authenticatorFor('unix-socket');
    const listener = await listen(authenticator, 'unix');
    authenticator.restrictedToOwner();
    const socket = await listener.accept();
    expect(authenticator.authenticate(`bearer  ${token}`, socket)).toEqual({ name: 'ci', role: 'operator' });
    for (const header of ['Bearer wrong-token-0123456789abc', `Basic ${token}`, 'Bearer', `Bearer ${token} extra`, '']) {
      expect(() => authenticator.authenticate(header, socket), header).toThrow(expect.objectContaining({ presentedCredentials: true }) as unknown as Error);
    }
  });
});
