import { isAbsolute, join } from 'node:path';
import { InvalidDaemonAddressError } from './invalid-daemon-address-error.js';

/**
 * Where the VMMS daemon answers: its Unix socket (the default, local owner only) or a TCP
 * address (`host start --listen-tcp`, with bearer tokens).
 */
export type DaemonEndpoint =
  | { readonly kind: 'unix'; readonly socketPath: string }
  | { readonly kind: 'tcp'; readonly host: string; readonly port: number };

/** The name of the daemon's socket in its data directory. */
export const DAEMON_SOCKET_NAME = 'vmms.sock';

/** The data directory of `tsvisor host start` when none is given: `~/.tsvisor`. */
export function defaultDataDir(homeDir: string): string {
  return join(homeDir, '.tsvisor');
}

/**
 * Reads a daemon address as `--host` and `TSVISOR_HOST` give it: `unix:/abs/path/vmms.sock` or
 * `http://host:port`. Throws an {@link InvalidDaemonAddressError} for anything else.
 */
export function parseDaemonEndpoint(address: string): DaemonEndpoint {
  if (address.startsWith('unix:')) {
    const socketPath = address.slice('unix:'.length);
    if (!isAbsolute(socketPath)) throw new InvalidDaemonAddressError(address, 'the socket path must be absolute');
    return { kind: 'unix', socketPath };
  }
  let url: URL;
  try {
    url = new URL(address);
  } catch {
    throw new InvalidDaemonAddressError(address, 'expected unix:/path/vmms.sock or http://host:port');
  }
  if (url.protocol !== 'http:') throw new InvalidDaemonAddressError(address, `${url.protocol} is not supported, use http: or unix:`);
  if (url.pathname !== '/' || url.search !== '' || url.hash !== '' || url.username !== '') {
    throw new InvalidDaemonAddressError(address, 'give only http://host:port, without a path, query or credentials');
  }
  // URL keeps the brackets of an IPv6 literal; node:http wants the bare address.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  return { kind: 'tcp', host, port: url.port === '' ? 80 : Number(url.port) };
}

/**
 * The daemon to talk to: the `--host` option, else `TSVISOR_HOST`, else the Unix socket of the
 * default data directory.
 */
export function resolveDaemonEndpoint(hostOption: string | undefined, env: Readonly<Record<string, string | undefined>>, homeDir: string): DaemonEndpoint {
  const address = hostOption ?? (env['TSVISOR_HOST'] || undefined);
  if (address !== undefined) return parseDaemonEndpoint(address);
  return { kind: 'unix', socketPath: join(defaultDataDir(homeDir), DAEMON_SOCKET_NAME) };
}

/** The endpoint written the way `--host` takes it, for messages. */
export function formatDaemonEndpoint(endpoint: DaemonEndpoint): string {
  if (endpoint.kind === 'unix') return `unix:${endpoint.socketPath}`;
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `http://${host}:${endpoint.port}`;
}
