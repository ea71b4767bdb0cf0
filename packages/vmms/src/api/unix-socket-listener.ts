import { chmod, lstat, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { authenticatorOf } from './management-api.js';
import { UnixSocketPathError } from './unix-socket-path-error.js';

/** Only the owner may connect: the mode is the authentication of the socket's callers. */
const SOCKET_MODE = 0o600;
/** A daemon that does not accept within this long is taken to be there, hung: the socket is not taken from it. */
const PROBE_TIMEOUT_MS = 2_000;

/** Whether something accepts connections on the socket at `path`. */
function isAnswered(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = connect({ path, timeout: PROBE_TIMEOUT_MS });
    const settle = (answered: boolean): void => {
      probe.destroy();
      resolve(answered);
    };
    probe.once('connect', () => settle(true));
    probe.once('timeout', () => settle(true));
    probe.once('error', () => settle(false));
  });
}

/** Removes a socket file left by a daemon that is gone. */
async function removeStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = (await lstat(path)).isSocket();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!isSocket) throw new UnixSocketPathError(path, 'not-a-socket');
  if (await isAnswered(path)) throw new UnixSocketPathError(path, 'in-use');
  await unlink(path);
}

/**
 * Starts `app` (made by `createManagementApi` for the `unix-socket` transport) on the Unix socket
 * `path`, with mode 0600: only its owner can connect, and a request without credentials is the
 * owner's. A stale socket file is removed first. Connections accepted before the mode was set
 * never count as the owner's.
 * @throws UnixSocketPathError if another daemon answers on `path`, or `path` is not a socket.
 */
export async function listenOnUnixSocket(app: FastifyInstance, path: string): Promise<void> {
  const authenticator = authenticatorOf(app);
  if (authenticator.transport !== 'unix-socket') throw new TypeError(`app: made for transport ${authenticator.transport}, not unix-socket`);
  await removeStaleSocket(path);
  await app.listen({ path });
  try {
    await chmod(path, SOCKET_MODE);
  } catch (error) {
    await app.close();
    throw error;
  }
  authenticator.restrictedToOwner();
}
