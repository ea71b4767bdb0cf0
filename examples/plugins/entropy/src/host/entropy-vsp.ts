import type { Channel, CompletionTarget, IncomingPacket } from '@tsvisor/device-sdk';
import { SimpleVsp, type VspContext, type VspFactory } from '@tsvisor/device-sdk/host';
import { randomFillSync } from 'node:crypto';
import { entropyClass, type EntropyConfig } from '../entropy-class.js';
import {
  EntropyLimits,
  EntropyOpcode,
  EntropyResponseHeader,
  EntropyStatus,
  checkEntropyRequest,
  entropyResponseSize,
  writeEntropyResponseHeader,
} from '../protocol/entropy-protocol.js';
import { ThrottledRequests } from './throttled-requests.js';
import { TokenBucket } from './token-bucket.js';

/** Fills `length` bytes of `target` from `offset` with cryptographically strong random bytes. */
export type EntropyFill = (target: Uint8Array, offset: number, length: number) => void;

/** The host's CSPRNG: `node:crypto`'s `randomFillSync`. */
export const cryptoEntropyFill: EntropyFill = (target, offset, length) => void randomFillSync(target, offset, length);

/** Counters of an entropy device (monotonic). */
export type EntropyCounters = {
  /** Request packets received, good or bad. */
  readonly requests: number;
  /** Random bytes sent to the guest. */
  readonly bytes: number;
  /** Requests answered with an error status (or unanswerable: sent without a transaction id). */
  readonly rejected: number;
  /** Requests that waited for the rate limit. */
  readonly throttled: number;
};

/**
 * The host side of `acme.entropy`: completes each GET_ENTROPY with bytes from the host's CSPRNG,
 * and each bad request with an error status (counted, never thrown). With `bytesPerSecond` set, a
 * token bucket (holding one second's worth, or one largest request if that is more) paces the
 * answers: a request beyond the rate waits for its turn, in order, rather than being cut short, so
 * the guest driver needs no timer to retry. Every completion goes into ring room the channel
 * reserved when it took the request.
 */
export class EntropyVsp extends SimpleVsp<EntropyConfig> {
  private readonly bucket: TokenBucket | undefined;
  /** One completion, built in place: `complete` copies it into the ring at once. */
  private readonly response: Uint8Array;
  /** The answer to QUERY_LIMITS, which never changes. */
  private readonly limitsResponse: Uint8Array;
  private counts = { requests: 0, bytes: 0, rejected: 0, throttled: 0 };

  constructor(
    context: VspContext<EntropyConfig>,
    private readonly fill: EntropyFill = cryptoEntropyFill,
    private readonly clock: () => number = Date.now,
  ) {
    super(context);
    const { maxRequestBytes, bytesPerSecond } = context.config;
    this.response = new Uint8Array(entropyResponseSize(maxRequestBytes));
    this.limitsResponse = new Uint8Array(entropyResponseSize(EntropyLimits.size));
    writeEntropyResponseHeader(this.limitsResponse, EntropyStatus.SUCCESS, EntropyLimits.size);
    EntropyLimits.write(new DataView(this.limitsResponse.buffer), EntropyResponseHeader.size, { maxRequestBytes, bytesPerSecond: bytesPerSecond ?? 0 });
    if (bytesPerSecond !== undefined) this.bucket = new TokenBucket(bytesPerSecond, Math.max(bytesPerSecond, maxRequestBytes), this.clock());
  }

  counters(): EntropyCounters {
    return { ...this.counts };
  }

  protected async run(channel: Channel, signal: AbortSignal): Promise<void> {
    const throttled = this.bucket && new ThrottledRequests(this.bucket, this.clock, (target, length) => this.sendEntropy(channel, target, length));
    const subscription = channel.packets$.subscribe((packet) => this.serve(channel, packet, throttled));
    try {
      await new Promise<void>((resolve) => {
        if (signal.aborted) resolve();
        else signal.addEventListener('abort', () => resolve(), { once: true });
      });
    } finally {
      subscription.unsubscribe();
      throttled?.clear();
    }
  }

  /** Answers one request packet (valid only during this call). */
  private serve(channel: Channel, packet: IncomingPacket, throttled: ThrottledRequests | undefined): void {
    this.counts.requests++;
    if (!packet.completionRequested || packet.transactionId === 0) {
      this.counts.rejected++; // nothing to answer it with
      return;
    }
    const check = checkEntropyRequest(packet.payload(), this.context.config.maxRequestBytes);
    if (check.status !== EntropyStatus.SUCCESS) {
      this.counts.rejected++;
      writeEntropyResponseHeader(this.response, check.status, 0);
      channel.complete(packet, this.response, 0, EntropyResponseHeader.size);
    } else if (check.opcode === EntropyOpcode.QUERY_LIMITS) {
      channel.complete(packet, this.limitsResponse);
    } else if (!throttled) {
      this.sendEntropy(channel, packet, check.length);
    } else if (throttled.submit(packet, check.length)) {
      this.counts.throttled++;
    }
  }

  private sendEntropy(channel: Channel, target: CompletionTarget, length: number): void {
    const response = this.response;
    writeEntropyResponseHeader(response, EntropyStatus.SUCCESS, length);
    this.fill(response, EntropyResponseHeader.size, length);
    if (channel.complete(target, response, 0, entropyResponseSize(length))) this.counts.bytes += length;
  }
}

/** Makes an {@link EntropyVsp} per VM; every VSP it makes draws from the same source. */
export class EntropyVspFactory implements VspFactory<EntropyConfig> {
  readonly deviceClass = entropyClass;

  /**
   * @param fill - Where the random bytes come from; default the host's CSPRNG. A host build may
   *   rebind the factory to one that reads a hardware source.
   */
  constructor(private readonly fill: EntropyFill = cryptoEntropyFill) {}

  create(context: VspContext<EntropyConfig>): EntropyVsp {
    return new EntropyVsp(context, this.fill);
  }
}
