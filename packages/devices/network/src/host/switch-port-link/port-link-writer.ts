import { encodeUtf8 } from '@tsvisor/wire';
import { PORT_LINK_HEADER_SIZE, PORT_LINK_MAX_BODY, PORT_LINK_TYPE_SIZE, PortLinkMessageType } from './port-link-message.js';

/** Where a {@link PortLinkWriter} writes: a socket (`write` calls `done` once the bytes are out). */
export interface PortLinkSink {
  write(bytes: Uint8Array, done: (error?: Error | null) => void): unknown;
}

/** Bytes batched in each of the writer's two buffers. */
const BATCH_BYTES = 256 * 1024;

/**
 * Writes a switch port link's messages in batches: frames are copied into one of two buffers made
 * once, which goes to the socket at the next turn of the event loop while the other fills. When
 * both are busy and the filling one is full, {@link frame} refuses (the caller counts the drop):
 * the link's queue is bounded, and the frame path allocates nothing.
 */
export class PortLinkWriter {
  private readonly buffers = [new Uint8Array(BATCH_BYTES), new Uint8Array(BATCH_BYTES)];
  private readonly views = this.buffers.map((buffer) => new DataView(buffer.buffer));
  private filling = 0;
  private filled = 0;
  private writing = false;
  private flushScheduled = false;
  private closed = false;
  private finished: (() => void) | undefined;
  private readonly roomListeners: (() => void)[] = [];

  constructor(private readonly sink: PortLinkSink) {}

  /** Queues `frame[offset, offset + length)`; false when there is no room (or the link is closed). */
  frame(frame: Uint8Array, offset: number, length: number): boolean {
    if (length > PORT_LINK_MAX_BODY || !this.reserve(PortLinkMessageType.FRAME, length)) return false;
    this.buffers[this.filling]!.set(frame.subarray(offset, offset + length), this.filled - length);
    return true;
  }

  /**
   * Queues a control message with a UTF-8 body of at most 1 KiB (the handshake's, sent before any
   * frame, so that there is always room); false if the link is closed.
   */
  control(type: PortLinkMessageType, text: string): boolean {
    const body = encodeUtf8(text).subarray(0, 1024);
    if (!this.reserve(type, body.length)) return false;
    this.buffers[this.filling]!.set(body, this.filled - body.length);
    return true;
  }

  /** Whether {@link frame} can take `frames` more frames of `bytes` bytes in all now. */
  hasRoomFor(frames: number, bytes: number): boolean {
    return !this.closed && this.filled + frames * PORT_LINK_HEADER_SIZE + bytes <= BATCH_BYTES;
  }

  /**
   * Calls `listener` once, when the buffer being filled has gone to the socket (the other one is
   * empty then) — at once if nothing is queued — or when the link closes.
   */
  whenRoom(listener: () => void): void {
    if (this.closed || this.filled === 0) {
      listener();
      return;
    }
    this.roomListeners.push(listener);
  }

  /** Stops writing; what is queued is dropped. */
  close(): void {
    this.closed = true;
    this.roomFreed();
  }

  /**
   * Takes no more messages, writes what is queued, then calls `done` (at once if nothing is
   * queued): frames a port took before it was detached still leave.
   */
  finish(done: () => void): void {
    if (this.closed) return done();
    this.closed = true;
    this.roomFreed();
    this.finished = done;
    this.finishIfIdle();
  }

  /** Writes a header for a body of `length` bytes and reserves the body; false when it does not fit. */
  private reserve(type: PortLinkMessageType, length: number): boolean {
    if (this.closed) return false;
    const at = this.filled;
    if (at + PORT_LINK_HEADER_SIZE + length > BATCH_BYTES) return false;
    const view = this.views[this.filling]!;
    view.setUint32(at, PORT_LINK_TYPE_SIZE + length, true);
    view.setUint32(at + 4, type, true);
    this.filled = at + PORT_LINK_HEADER_SIZE + length;
    this.schedule();
    return true;
  }

  private schedule(): void {
    if (this.flushScheduled || this.writing || this.finished) return;
    this.flushScheduled = true;
    setImmediate(this.flushLater);
  }

  private readonly flushLater = (): void => {
    this.flushScheduled = false;
    this.flush();
  };

  private flush(): void {
    if (this.writing || this.filled === 0 || (this.closed && !this.finished)) return;
    const bytes = this.buffers[this.filling]!.subarray(0, this.filled);
    this.writing = true;
    this.filling ^= 1;
    this.filled = 0;
    this.sink.write(bytes, this.written);
    this.roomFreed();
  }

  private roomFreed(): void {
    if (this.roomListeners.length === 0) return;
    const listeners = this.roomListeners.splice(0);
    for (const listener of listeners) listener();
  }

  private readonly written = (): void => {
    this.writing = false;
    if (this.finished) this.finishIfIdle();
    else if (this.filled > 0) this.schedule();
  };

  private finishIfIdle(): void {
    if (this.writing) return;
    if (this.filled > 0) return this.flush();
    const done = this.finished;
    this.finished = undefined;
    done?.();
  }
}
