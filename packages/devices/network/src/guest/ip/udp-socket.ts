import type { Ipv4Address } from './ipv4-address.js';
import { SocketClosedError } from './socket-closed-error.js';

/** A datagram received on a UDP socket. */
export interface UdpMessage {
  /** The sender's address. */
  readonly address: Ipv4Address;
  /** The sender's port. */
  readonly port: number;
  /** The datagram's payload (the socket's own copy). */
  readonly payload: Uint8Array;
}

/** What a UDP socket needs from its stack. */
export interface UdpTransport {
  /** Sends `payload` from `sourcePort` to `address`:`port`. */
  send(sourcePort: number, address: Ipv4Address, port: number, payload: Uint8Array): Promise<void>;
  /** Frees `port` for another socket. */
  release(port: number): void;
}

/**
 * A bound UDP port. Received datagrams wait in a bounded queue (the stack counts what overflows
 * it) until `receive` or `nextMessage` takes them; `close` frees the port and fails the waiters.
 */
export class UdpSocket {
  private readonly queue: UdpMessage[] = [];
  private readonly waiters: { resolve: (message: UdpMessage) => void; reject: (error: Error) => void }[] = [];
  private closed = false;

  constructor(
    /** The local port. */
    readonly port: number,
    private readonly capacity: number,
    private readonly transport: UdpTransport,
  ) {}

  /** Sends `payload` to `address`:`port`; resolves once the datagram is on the link. */
  send(address: Ipv4Address, port: number, payload: Uint8Array): Promise<void> {
    if (this.closed) return Promise.reject(new SocketClosedError(this.port));
    return this.transport.send(this.port, address, port, payload);
  }

  /** The oldest datagram waiting, taken off the queue; undefined when none waits. */
  receive(): UdpMessage | undefined {
    return this.queue.shift();
  }

  /** The next datagram: the oldest waiting, or the next to arrive. Rejects with {@link SocketClosedError} on close. */
  nextMessage(): Promise<UdpMessage> {
    if (this.closed) return Promise.reject(new SocketClosedError(this.port));
    const waiting = this.queue.shift();
    if (waiting) return Promise.resolve(waiting);
    return new Promise((resolve, reject) => this.waiters.push({ resolve, reject }));
  }

  /** Frees the port; datagrams still queued are discarded and waiters fail. Closing twice does nothing. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.queue.length = 0;
    this.transport.release(this.port);
    const error = new SocketClosedError(this.port);
    for (const waiter of this.waiters.splice(0)) waiter.reject(error);
  }

  /**
   * Hands the socket a datagram from `address`:`port` whose payload is `bytes[start, end)` (lent:
   * copied here); false when the queue is full and it was dropped.
   * @internal Called by the stack's receive path.
   */
  deliver(address: Ipv4Address, port: number, bytes: Uint8Array, start: number, end: number): boolean {
    const waiter = this.waiters.shift();
    if (!waiter && this.queue.length >= this.capacity) return false;
    const message: UdpMessage = { address, port, payload: bytes.slice(start, end) };
    if (waiter) waiter.resolve(message);
    else this.queue.push(message);
    return true;
  }
}
