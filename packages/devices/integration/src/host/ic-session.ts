import { readPipeMessage, pipePacket, type Channel } from '@tsvisor/device-sdk';
import type { Subscription } from 'rxjs';
import { readIcResponse, type IcResponseExpectation } from '../protocol/ic-message.js';
import type { IcMessageType } from '../protocol/icmsg-header.js';

/**
 * The host end of one integration-service channel: the host asks, the guest answers (PROTOCOLS.md
 * §5). One request is outstanding at a time; the answer is the first message whose icmsg header
 * answers it (type and transaction id). Anything else the guest sends is rejected and counted.
 */
export class IcSession {
  private nextTransactionId = 0;
  private waiting: { readonly expected: IcResponseExpectation; readonly resolve: (answer: Uint8Array | undefined) => void } | undefined;
  private readonly subscription: Subscription;
  /** Messages from the guest that answered nothing or were malformed. */
  rejected = 0;
  /** Requests the guest did not answer in time. */
  timeouts = 0;

  constructor(private readonly channel: Channel) {
    this.subscription = channel.packets$.subscribe({
      next: (packet) => {
        const waiting = this.waiting;
        try {
          const message = readPipeMessage(packet);
          if (!waiting) throw new Error('unsolicited');
          readIcResponse(message, waiting.expected);
          this.waiting = undefined;
          waiting.resolve(message.slice());
        } catch {
          this.rejected++;
        }
      },
      error: () => this.settle(undefined),
      complete: () => this.settle(undefined),
    });
  }

  /**
   * Sends the request `build(transactionId)` makes and resolves with the guest's answer (icmsg
   * header validated), or `undefined` when `timeoutMs` passes, `signal` aborts or the channel ends.
   */
  async exchange(messageType: IcMessageType, build: (transactionId: number) => Uint8Array, timeoutMs: number, signal: AbortSignal): Promise<Uint8Array | undefined> {
    if (this.waiting) throw new Error('an integration-service session has one request outstanding at a time');
    if (signal.aborted) return undefined;
    const transactionId = this.nextTransactionId;
    this.nextTransactionId = (transactionId + 1) & 0xff;
    const answer = new Promise<Uint8Array | undefined>((resolve) => {
      this.waiting = { expected: { messageType, transactionId }, resolve };
    });
    let timer: ReturnType<typeof setTimeout> | undefined;
    const abort = (): void => this.settle(undefined);
    signal.addEventListener('abort', abort, { once: true });
    try {
      await this.channel.send(pipePacket(build(transactionId)));
      timer = setTimeout(() => {
        this.timeouts++;
        this.settle(undefined);
      }, timeoutMs);
      return await answer;
    } catch {
      this.settle(undefined);
      return undefined;
    } finally {
      clearTimeout(timer);
      signal.removeEventListener('abort', abort);
    }
  }

  /** Stops listening. */
  close(): void {
    this.settle(undefined);
    this.subscription.unsubscribe();
  }

  private settle(answer: Uint8Array | undefined): void {
    const waiting = this.waiting;
    this.waiting = undefined;
    waiting?.resolve(answer);
  }
}
