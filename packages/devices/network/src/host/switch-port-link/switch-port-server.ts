import { inject, injectable } from 'inversify';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decodeUtf8 } from '@tsvisor/wire';
import { LocalSwitchDirectory } from '../switch-directory/local-switch-directory.js';
import type { SwitchPortHandle } from '../switch-directory/switch-directory.js';
import { UnknownSwitchError } from '../switch-directory/unknown-switch-error.js';
import { PortLinkMessageType } from './port-link-message.js';
import { PortLinkReader } from './port-link-reader.js';
import { PortLinkWriter } from './port-link-writer.js';
import type { SwitchPortEndpoint, SwitchPortGrant } from './switch-port-grant.js';

/** How long a new connection may take to present its token. */
const HELLO_TIMEOUT_MS = 10_000;

/** A granted port: its settings, and the link that carries it while its worker is connected. */
interface GrantedPort {
  readonly grant: SwitchPortGrant;
  link: Socket | undefined;
}

/**
 * The host process's side of switch port links: the virtual switches live here (in the host's
 * {@link LocalSwitchDirectory}), and each adapter of a VM that runs in a worker process of its own
 * reaches its port over a Unix socket. The host grants a port before the worker starts
 * ({@link grant}: the switch and the port's settings, checked here; a random token for the worker),
 * the worker connects and presents the token, and from then on frames flow both ways until either
 * side closes or the grant is revoked. A worker that breaks the framing is disconnected; one
 * connection per grant at a time.
 */
@injectable()
export class SwitchPortServer {
  private readonly grants = new Map<string, GrantedPort>();
  private server: Server | undefined;
  private socketPath: string | undefined;
  private directory: string | undefined;

  constructor(@inject(LocalSwitchDirectory) private readonly switches: LocalSwitchDirectory) {}

  /**
   * Grants a port on `grant.switchName` with `grant.options`; the returned endpoint goes to the
   * worker. Listens on first use.
   * @throws UnknownSwitchError if there is no such switch now.
   */
  async grant(grant: SwitchPortGrant): Promise<SwitchPortEndpoint & { revoke(): void }> {
    if (!this.switches.get(grant.switchName)) throw new UnknownSwitchError(grant.switchName);
    const socketPath = await this.listen();
    const token = randomBytes(24).toString('hex');
    const port: GrantedPort = { grant, link: undefined };
    this.grants.set(token, port);
    return {
      socketPath,
      token,
      revoke: () => {
        this.grants.delete(token);
        port.link?.destroy();
      },
    };
  }

  /** Grants not yet revoked. */
  get grantCount(): number {
    return this.grants.size;
  }

  /** Stops listening and closes every link. */
  close(): void {
    for (const port of this.grants.values()) port.link?.destroy();
    this.grants.clear();
    this.server?.close();
    this.server = undefined;
    if (this.directory) rmSync(this.directory, { recursive: true, force: true });
    this.directory = undefined;
  }

  private async listen(): Promise<string> {
    if (this.server && this.socketPath) return this.socketPath;
    const directory = mkdtempSync(join(tmpdir(), 'tsvisor-switch-ports-'));
    const socketPath = join(directory, 'ports.sock');
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socketPath, () => resolve());
    });
    server.unref();
    process.once('exit', () => rmSync(directory, { recursive: true, force: true }));
    this.server = server;
    this.socketPath = socketPath;
    this.directory = directory;
    return socketPath;
  }

  private accept(socket: Socket): void {
    const writer = new PortLinkWriter({ write: (bytes, done) => socket.write(bytes, done) });
    let port: SwitchPortHandle | undefined;
    const hello = setTimeout(() => socket.destroy(), HELLO_TIMEOUT_MS);
    hello.unref();
    const refuse = (reason: string): void => {
      writer.control(PortLinkMessageType.REFUSED, reason);
      setImmediate(() => socket.end());
    };
    const reader = new PortLinkReader((type, bytes, offset, length) => {
      if (port) {
        if (type === PortLinkMessageType.FRAME) port.send(bytes, offset, length);
        return;
      }
      clearTimeout(hello);
      if (type !== PortLinkMessageType.HELLO) return refuse('the first message must present a token');
      const granted = this.grants.get(decodeUtf8(bytes.subarray(offset, offset + length)));
      if (!granted) return refuse('no such grant (revoked, or never made)');
      if (granted.link) return refuse('the port is connected already');
      try {
        port = this.switches.attach(granted.grant.switchName, {
          ...granted.grant.options,
          receiver: { receiveFrame: (frame, at, size) => writer.frame(frame, at, size) },
        });
      } catch (error) {
        return refuse(error instanceof Error ? error.message : String(error));
      }
      granted.link = socket;
      socket.once('close', () => {
        if (granted.link === socket) granted.link = undefined;
      });
      writer.control(PortLinkMessageType.ATTACHED, granted.grant.switchName);
    });
    socket.on('data', (chunk) => {
      try {
        reader.push(chunk);
      } catch {
        // A worker that breaks the framing gets no more of the switch.
        socket.destroy();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      clearTimeout(hello);
      writer.close();
      port?.detach();
    });
  }
}
