import type { VspContext, VspFactory } from '@tsvisor/device-sdk/host';
import { BehaviorSubject, type Observable } from 'rxjs';
import { kvpClass, type KvpConfig } from '../classes/kvp-class.js';
import { IcMessageType, IcStatus } from '../protocol/icmsg-header.js';
import type { NegotiatedVersions } from '../protocol/ic-version.js';
import { KVP_VERSIONS, KvpOperation, KvpPool, buildKvpRequest, readKvpResponse, type KvpRequest, type KvpResponse } from '../protocol/kvp.js';
import { KVP_MAX_KEY_SIZE, KvpValueType, encodeKvpString, kvpExchangeValue, type KvpValue } from '../protocol/kvp-value.js';
import { aborted } from './abortable-wait.js';
import type { IcSession } from './ic-session.js';
import { IcServiceVsp } from './ic-service-vsp.js';
import { IntegrationServiceUnavailableError } from './service-unavailable-error.js';

/** Records an {@link KvpVsp.enumerate} reads at most: a guest cannot keep the host enumerating forever. */
export const KVP_MAX_ENUMERATED_RECORDS = 4_096;

/** Host calls that may wait for their turn on the channel; more are refused as `busy`. */
export const KVP_MAX_QUEUED_REQUESTS = 256;

/** A value to set: a typed {@link KvpValue}, or a string (sent as `REG_SZ`, what Hyper-V hosts send). */
export type KvpInput = KvpValue | string;

/**
 * Why a KVP request failed:
 * - `timeout`: the guest did not answer within `requestTimeoutMs`;
 * - `malformed-answer`: the guest answered with bytes that are not a valid answer (counted as rejected);
 * - `refused`: the guest answered a failure status (`status`) to a SET;
 * - `busy`: {@link KVP_MAX_QUEUED_REQUESTS} calls were already waiting; nothing was sent.
 */
export type KvpRequestFailure = 'timeout' | 'malformed-answer' | 'refused' | 'busy';

const OPERATION_NAMES = Object.fromEntries(Object.entries(KvpOperation).map(([name, code]) => [code, name]));
const POOL_NAMES = Object.fromEntries(Object.entries(KvpPool).map(([name, code]) => [code, name]));

function describeRequest(request: KvpRequest): string {
  const target = request.operation === KvpOperation.ENUMERATE ? `index ${request.index}` : `key "${request.key}"`;
  return `KVP ${OPERATION_NAMES[request.operation]} of ${target} in pool ${POOL_NAMES[request.pool]}`;
}

/** What a {@link KvpRequestError} knows beyond its reason. */
export interface KvpRequestErrorDetails {
  /** For `refused`: the guest's status (an HRESULT such as `IcStatus.E_FAIL`). */
  readonly status?: number;
  /** For `timeout`: how long the host waited, in milliseconds. */
  readonly timeoutMs?: number;
}

function describeFailure(reason: KvpRequestFailure, { status, timeoutMs }: KvpRequestErrorDetails): string {
  switch (reason) {
    case 'timeout':
      return `the guest did not answer within ${timeoutMs} ms`;
    case 'malformed-answer':
      return 'the guest answered with a malformed message';
    case 'refused':
      return `the guest answered status 0x${(status ?? 0).toString(16).padStart(8, '0')}`;
    case 'busy':
      return `${KVP_MAX_QUEUED_REQUESTS} calls are already waiting`;
  }
}

/** A KVP request that did not complete: see {@link KvpRequestFailure} for the reasons. */
export class KvpRequestError extends Error {
  override readonly name = 'KvpRequestError';
  /** For `refused`: the guest's status. */
  readonly status: number | undefined;
  /** For `timeout`: how long the host waited, in milliseconds. */
  readonly timeoutMs: number | undefined;

  constructor(
    readonly reason: KvpRequestFailure,
    /** The request that failed (for an enumeration, the index it reached). */
    readonly request: KvpRequest,
    details: KvpRequestErrorDetails = {},
  ) {
    super(`${describeRequest(request)} failed: ${describeFailure(reason, details)}`);
    this.status = details.status;
    this.timeoutMs = details.timeoutMs;
  }
}

/** An open, negotiated channel. */
interface KvpConnection {
  readonly session: IcSession;
  readonly versions: NegotiatedVersions;
  readonly signal: AbortSignal;
}

/** The answer to a request of `R`'s operation (the members of `T` whose operation covers it). */
type ResponseTo<R extends KvpRequest, T extends KvpResponse = KvpResponse> = T extends unknown ? (R['operation'] extends T['operation'] ? T : never) : never;

function checkPool(pool: KvpPool): void {
  if (!Object.values<number>(KvpPool).includes(pool)) {
    throw new RangeError(`a KVP pool is one of ${Object.values(KvpPool).join(', ')}, got ${pool}`);
  }
}

function toKvpValue(value: KvpInput): KvpValue {
  return typeof value === 'string' ? { type: KvpValueType.STRING, text: value } : value;
}

/**
 * The host side of the KVP exchange service. The host sets items in the guest's External pool
 * (`KvpPool.EXTERNAL`, Hyper-V's `HostExchangeItems`) and reads what the guest publishes in its
 * Guest and Auto pools. Calls are served one at a time, in call order (the channel carries one
 * request at a time); each request waits `requestTimeoutMs` at most.
 *
 * Every call rejects with {@link IntegrationServiceUnavailableError} when the guest has no open,
 * negotiated channel (reason `unsupported` if its last negotiation found no common version), with
 * {@link KvpRequestError} when the guest does not answer properly, and with `RangeError` for a
 * key, value or pool that cannot be sent (nothing is sent then).
 *
 * ```ts
 * await kvp.set(KvpPool.EXTERNAL, 'HostName', 'tsvisor-host');
 * const os = await kvp.get(KvpPool.AUTO, 'OSName');
 * ```
 */
export class KvpVsp extends IcServiceVsp<KvpConfig> {
  protected readonly serviceVersions = KVP_VERSIONS;
  private readonly availableSubject = new BehaviorSubject(false);
  private connection: KvpConnection | undefined;
  private queue: Promise<unknown> = Promise.resolve();
  private queued = 0;
  private unsupportedAtLastServe = 0;

  /** Whether the guest has an open, negotiated channel (calls can be served), and its changes. */
  readonly available$: Observable<boolean> = this.availableSubject.asObservable();

  /** Whether calls can be served now: the guest has an open, negotiated channel. */
  get available(): boolean {
    return this.availableSubject.value;
  }

  /**
   * The value of `key` in `pool`, or `undefined` if the guest has none (it answered a failure
   * status: `E_FAIL` for a missing key).
   */
  async get(pool: KvpPool, key: string): Promise<KvpValue | undefined> {
    checkPool(pool);
    encodeKvpString(key, KVP_MAX_KEY_SIZE);
    const request = { operation: KvpOperation.GET, pool, key } as const;
    const response = await this.enqueue(request, (connection) => this.exchange(request, connection));
    return response.status === IcStatus.S_OK ? response.value : undefined;
  }

  /**
   * Sets `key` to `value` in `pool` (the guest lets the host write `EXTERNAL` and `AUTO_EXTERNAL`).
   * @throws KvpRequestError `refused` if the guest answers a failure status (a pool it does not let
   *   the host write, a full pool…).
   */
  async set(pool: KvpPool, key: string, value: KvpInput): Promise<void> {
    checkPool(pool);
    const typed = toKvpValue(value);
    kvpExchangeValue(key, typed);
    const request = { operation: KvpOperation.SET, pool, key, value: typed } as const;
    const response = await this.enqueue(request, (connection) => this.exchange(request, connection));
    if (response.status !== IcStatus.S_OK) throw new KvpRequestError('refused', request, { status: response.status });
  }

  /**
   * Removes `key` from `pool`. Resolves `true` if the guest removed it, `false` if it answered a
   * failure status (no such key, or a pool it does not let the host change).
   */
  async delete(pool: KvpPool, key: string): Promise<boolean> {
    checkPool(pool);
    encodeKvpString(key, KVP_MAX_KEY_SIZE);
    const request = { operation: KvpOperation.DELETE, pool, key } as const;
    const response = await this.enqueue(request, (connection) => this.exchange(request, connection));
    return response.status === IcStatus.S_OK;
  }

  /**
   * Every record of `pool`, read by index from 0 until the guest answers NO_MORE_ITEMS (or any other
   * failure status), at most {@link KVP_MAX_ENUMERATED_RECORDS}. The enumeration holds the channel:
   * no other call of this VSP runs in between. A key the guest lists twice keeps its last value.
   */
  async enumerate(pool: KvpPool): Promise<Map<string, KvpValue>> {
    checkPool(pool);
    return this.enqueue({ operation: KvpOperation.ENUMERATE, pool, index: 0 }, async (connection) => {
      const records = new Map<string, KvpValue>();
      for (let index = 0; index < KVP_MAX_ENUMERATED_RECORDS; index++) {
        const response = await this.exchange({ operation: KvpOperation.ENUMERATE, pool, index }, connection);
        if (response.status !== IcStatus.S_OK || !response.record) break;
        records.set(response.record.key, response.record.value);
      }
      return records;
    });
  }

  protected async serve(session: IcSession, versions: NegotiatedVersions, signal: AbortSignal): Promise<void> {
    const connection = { session, versions, signal };
    this.connection = connection;
    this.unsupportedAtLastServe = this.counters().unsupported;
    this.setAvailable(true);
    try {
      await aborted(signal);
    } finally {
      if (this.connection === connection) {
        this.connection = undefined;
        this.setAvailable(false);
      }
    }
  }

  protected override async onStop(): Promise<void> {
    await super.onStop();
    this.availableSubject.complete();
  }

  /** Runs `work` on the open channel once every earlier call has settled. */
  private enqueue<T>(request: KvpRequest, work: (connection: KvpConnection) => Promise<T>): Promise<T> {
    if (this.queued >= KVP_MAX_QUEUED_REQUESTS) return Promise.reject(new KvpRequestError('busy', request));
    this.queued++;
    const result = this.queue.then(() => work(this.openConnection())).finally(() => this.queued--);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private openConnection(): KvpConnection {
    const connection = this.connection;
    if (connection && !connection.signal.aborted) return connection;
    const unsupported = this.counters().unsupported > this.unsupportedAtLastServe;
    throw new IntegrationServiceUnavailableError(kvpClass.id, unsupported ? 'unsupported' : 'not-connected');
  }

  /** Sends `request` and returns the guest's answer, or throws why there is none. */
  private async exchange<R extends KvpRequest>(request: R, connection: KvpConnection): Promise<ResponseTo<R>> {
    const { session, versions, signal } = connection;
    const { requestTimeoutMs } = this.context.config;
    const timeoutsBefore = session.timeouts;
    let malformed = false;
    const answer = await this.ask(
      session,
      IcMessageType.KVP,
      (id) => buildKvpRequest(versions, request, id),
      (bytes, id) => {
        try {
          return readKvpResponse(bytes, request, id);
        } catch (error) {
          malformed = true;
          throw error;
        }
      },
      requestTimeoutMs,
      signal,
    );
    // readKvpResponse checked that the answer echoes the request's operation.
    if (answer) return answer as ResponseTo<R>;
    if (malformed) throw new KvpRequestError('malformed-answer', request);
    if (session.timeouts > timeoutsBefore) throw new KvpRequestError('timeout', request, { timeoutMs: requestTimeoutMs });
    // Neither answered nor timed out: the channel closed while the request was outstanding.
    throw new IntegrationServiceUnavailableError(kvpClass.id, 'not-connected');
  }

  private setAvailable(available: boolean): void {
    if (this.availableSubject.value !== available) this.availableSubject.next(available);
  }
}

/** Makes a {@link KvpVsp} per VM. */
export class KvpVspFactory implements VspFactory<KvpConfig> {
  readonly deviceClass = kvpClass;

  create(context: VspContext<KvpConfig>): KvpVsp {
    return new KvpVsp(context);
  }
}
