import type { Channel } from '@tsvisor/device-sdk';
import type { VscContext, VscDriver } from '@tsvisor/device-sdk/guest';
import { firstValueFrom, lastValueFrom, map, mergeMap, range } from 'rxjs';
import { entropyClass } from '../entropy-class.js';
import {
  EntropyLimits,
  EntropyStatus,
  buildGetEntropy,
  buildQueryLimits,
  readEntropyLimits,
  readEntropyResponse,
} from '../protocol/entropy-protocol.js';
import { EntropyRequestError } from '../protocol/entropy-request-error.js';

/** Requests a read keeps in flight by default. */
export const ENTROPY_REQUESTS_IN_FLIGHT = 4;

/** The entropy device a guest program sees. */
export interface EntropyDevice {
  /**
   * Fills `target` with random bytes from the host and resolves with it (as Web Crypto's
   * `getRandomValues`, but of any length): a large read is split into requests of the device's
   * `maxRequestBytes`, several in flight. Rejects with an `EntropyRequestError` if the device
   * refuses a request, or a `ChannelClosedError` if it goes away.
   */
  getRandomValues(target: Uint8Array): Promise<Uint8Array>;
  /** The device's limits, as it reported them when the driver bound. */
  readonly limits: EntropyLimits;
}

/** Options of {@link EntropyDriver}. */
export interface EntropyDriverOptions {
  /** Requests a read keeps in flight at once; default {@link ENTROPY_REQUESTS_IN_FLIGHT}. */
  readonly requestsInFlight?: number;
}

/**
 * The guest side of `acme.entropy`: opens the channel, asks the device for its limits, and presents
 * an {@link EntropyDevice}. Guest-safe: plain JavaScript, no timers (a rate-limited device makes
 * the requests wait, so there is nothing to retry).
 */
export class EntropyDriver implements VscDriver<EntropyDevice> {
  readonly deviceClass = entropyClass;
  private readonly requestsInFlight: number;

  constructor(options: EntropyDriverOptions = {}) {
    const inFlight = options.requestsInFlight ?? ENTROPY_REQUESTS_IN_FLIGHT;
    if (!(Number.isInteger(inFlight) && inFlight >= 1)) throw new RangeError(`requestsInFlight must be a positive integer, got ${inFlight}`);
    this.requestsInFlight = inFlight;
  }

  async bind(context: VscContext): Promise<EntropyDevice> {
    const channel = await context.open();
    const limits = await queryLimits(channel);
    const inFlight = this.requestsInFlight;
    return {
      limits,
      async getRandomValues(target: Uint8Array): Promise<Uint8Array> {
        const chunk = limits.maxRequestBytes;
        const requests = Math.ceil(target.length / chunk);
        const read = (index: number) => {
          const offset = index * chunk;
          const length = Math.min(chunk, target.length - offset);
          return channel.request({ payload: buildGetEntropy(length) }).pipe(
            map(({ payload }) => target.set(dataOf(payload, length, `GET_ENTROPY of ${length} bytes`), offset)),
          );
        };
        // An error unsubscribes the other requests: they are cancelled and their answers dropped.
        await lastValueFrom(range(0, requests).pipe(mergeMap(read, inFlight)), { defaultValue: undefined });
        return target;
      },
    };
  }
}

async function queryLimits(channel: Channel): Promise<EntropyLimits> {
  const { payload } = await firstValueFrom(channel.request({ payload: buildQueryLimits() }));
  return readEntropyLimits(dataOf(payload, EntropyLimits.size, 'QUERY_LIMITS'));
}

/** The data of a completion that must carry `length` bytes; throws for an error status. */
function dataOf(payload: Uint8Array, length: number, request: string): Uint8Array {
  const { status, data } = readEntropyResponse(payload, length);
  if (status !== EntropyStatus.SUCCESS) throw new EntropyRequestError(status, request);
  return data;
}
