import { decodeUtf8 } from '@tsvisor/wire';
import { connect, type Socket } from 'node:net';
import { UnknownSwitchError } from '../switch-directory/unknown-switch-error.js';
import type { SwitchDirectory, SwitchPortHandle } from '../switch-directory/switch-directory.js';
import type { FrameReceiver } from '../switch/frame-receiver.js';
import { emptySwitchPortCounters, type SwitchPortCounters } from '../switch/switch-port-counters.js';
import type { SwitchPortOptions } from '../switch/switch-port-options.js';
import { PortLinkError } from './port-link-error.js';
import { PortLinkMessageType } from './port-link-message.js';
import { PortLinkReader } from './port-link-reader.js';
import { PortLinkWriter } from './port-link-writer.js';
import { SwitchPortRefusedError } from './switch-port-refused-error.js';
import type { SwitchPortEndpoint } from './switch-port-grant.js';

/**
 * The switch directory of a VM's worker process: its adapter's port lives on a switch in the host
 * process, reached over the host's switch port socket with the token the host granted
 * (`SwitchPortServer`). The port's switch and settings are the grant's — the host checked them —
 * so `attach` only checks that the switch it names is the one granted.
 */
export class RemoteSwitchDirectory implements SwitchDirectory {
  constructor(private readonly endpoint: SwitchPortEndpoint) {}

  /**
   * Connects the granted port; resolves once the host has attached it.
   * @throws UnknownSwitchError when the grant is for another switch; SwitchPortRefusedError when
   *   the host refuses; the socket's error when the host cannot be reached.
   */
  attach(switchName: string, options: SwitchPortOptions): Promise<SwitchPortHandle> {
    return new Promise((resolve, reject) => {
      const socket = connect(this.endpoint.socketPath);
      const port = new RemotePort(switchName, socket, options.receiver);
      let settled = false;
      const settle = (error: Error | undefined): void => {
        if (settled) return;
        settled = true;
        if (error) {
          socket.destroy();
          reject(error);
        } else {
          resolve(port);
        }
      };
      port.onHandshake = (type, text) => {
        if (type === PortLinkMessageType.REFUSED) settle(new SwitchPortRefusedError(`the host refused the port on ${switchName}: ${text}`));
        else if (text !== switchName) settle(new UnknownSwitchError(switchName));
        else settle(undefined);
      };
      socket.once('connect', () => port.hello(this.endpoint.token));
      socket.once('error', (error) => settle(error));
      socket.once('close', () => settle(new SwitchPortRefusedError(`the host closed the link to ${switchName} before attaching the port`)));
    });
  }
}

/**
 * A port on a switch of the host process, as the worker sees it. Its counters are what the link
 * saw (frames into the link, frames out of it, frames the link had no room for: `droppedQueueFull`;
 * frames sent after it closed: `droppedOnDisconnect`); the switch's own view of the port is in the
 * host's switch management.
 */
class RemotePort implements SwitchPortHandle {
  readonly counters: SwitchPortCounters = emptySwitchPortCounters();
  /** Called with the host's answer to the token. */
  onHandshake: ((type: PortLinkMessageType, text: string) => void) | undefined;
  private readonly writer: PortLinkWriter;
  private readonly reader: PortLinkReader;
  private attached = false;
  private connected = true;

  constructor(
    readonly switchName: string,
    private readonly socket: Socket,
    private readonly receiver: FrameReceiver,
  ) {
    this.writer = new PortLinkWriter({ write: (bytes, done) => socket.write(bytes, done) });
    this.reader = new PortLinkReader((type, bytes, offset, length) => this.onMessage(type, bytes, offset, length));
    socket.on('data', (chunk) => {
      try {
        this.reader.push(chunk);
      } catch (error) {
        socket.destroy(error instanceof PortLinkError ? error : undefined);
      }
    });
    socket.on('error', () => undefined);
    socket.once('close', () => {
      this.connected = false;
      this.writer.close();
    });
  }

  hello(token: string): void {
    this.writer.control(PortLinkMessageType.HELLO, token);
  }

  send(frame: Uint8Array, offset: number, length: number): boolean {
    const c = this.counters;
    c.framesIn++;
    c.bytesIn += length;
    if (!this.connected || !this.attached) {
      c.droppedOnDisconnect++;
      return false;
    }
    if (!this.writer.frame(frame, offset, length)) {
      c.droppedQueueFull++;
      return false;
    }
    c.framesForwarded++;
    return true;
  }

  hasRoomFor(frames: number, bytes: number): boolean {
    return this.connected && this.attached && this.writer.hasRoomFor(frames, bytes);
  }

  whenRoom(listener: () => void): void {
    if (!this.connected || !this.attached) listener();
    else this.writer.whenRoom(listener);
  }

  /** Leaves the switch: the frames already taken still go out, then the link closes. */
  detach(): void {
    if (!this.connected) return;
    this.connected = false;
    this.writer.finish(() => this.socket.end());
  }

  private onMessage(type: PortLinkMessageType, bytes: Uint8Array, offset: number, length: number): void {
    if (type === PortLinkMessageType.FRAME) {
      if (!this.attached) return;
      const c = this.counters;
      if (this.receiver.receiveFrame(bytes, offset, length)) {
        c.framesOut++;
        c.bytesOut += length;
      } else {
        c.egressRefused++;
      }
      return;
    }
    if (this.attached || (type !== PortLinkMessageType.ATTACHED && type !== PortLinkMessageType.REFUSED)) return;
    this.attached = type === PortLinkMessageType.ATTACHED;
    this.onHandshake?.(type, decodeUtf8(bytes.subarray(offset, offset + length)));
  }
}
