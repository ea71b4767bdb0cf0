import type { CompletionTarget } from '@tsvisor/device-sdk';
import type { TokenBucket } from './token-bucket.js';

interface WaitingRequest {
  readonly transactionIdLow: number;
  readonly transactionIdHigh: number;
  readonly length: number;
}

/**
 * GET_ENTROPY requests of one channel passing a rate limit in order: each is answered once the
 * bucket holds its length in tokens. The queue needs no bound of its own: the channel reserves ring
 * room for the completion of every request it takes, and stops taking requests when that room runs
 * out, so at most a handful wait.
 */
export class ThrottledRequests {
  private readonly waiting: WaitingRequest[] = [];
  private timer: ReturnType<typeof setTimeout> | undefined;
  private readonly pumpTask = (): void => this.pump();

  /**
   * @param answer - Completes a request with `length` bytes, when its turn comes.
   */
  constructor(
    private readonly bucket: TokenBucket,
    private readonly clock: () => number,
    private readonly answer: (target: CompletionTarget, length: number) => void,
  ) {}

  /** Requests waiting for their turn. */
  get size(): number {
    return this.waiting.length;
  }

  /**
   * Answers the request now if nothing waits before it and the bucket allows, otherwise queues it
   * (keeping only its transaction id: the packet is not valid after the callback). Returns whether
   * it has to wait.
   */
  submit(target: CompletionTarget, length: number): boolean {
    if (this.waiting.length === 0 && this.bucket.tryTake(length, this.clock())) {
      this.answer(target, length);
      return false;
    }
    this.waiting.push({ transactionIdLow: target.transactionIdLow, transactionIdHigh: target.transactionIdHigh, length });
    if (this.waiting.length === 1) this.schedule();
    return true;
  }

  /** Forgets the waiting requests and stops the timer: the channel closed, they cannot be answered. */
  clear(): void {
    this.waiting.length = 0;
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private pump(): void {
    this.timer = undefined;
    while (this.waiting.length !== 0) {
      const next = this.waiting[0]!;
      if (!this.bucket.tryTake(next.length, this.clock())) break;
      this.waiting.shift();
      this.answer(next, next.length);
    }
    if (this.waiting.length !== 0) this.schedule();
  }

  private schedule(): void {
    const delay = this.bucket.delayFor(this.waiting[0]!.length, this.clock());
    this.timer = setTimeout(this.pumpTask, Math.max(1, delay));
  }
}
