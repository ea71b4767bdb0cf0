import type { Channel } from '@tsvisor/device-sdk';
import { kvpClass } from '../classes/kvp-class.js';
import { IcMessageType, IcStatus } from '../protocol/icmsg-header.js';
import { KVP_VERSIONS, KvpOperation, KvpPool, answerKvp, answerKvpEnumerate, answerKvpGet, readKvpRequest } from '../protocol/kvp.js';
import { KvpValueType, kvpExchangeValue, type KvpValue } from '../protocol/kvp-value.js';
import { IcServiceDriver, type IcDriverCounters } from './ic-service-driver.js';

/** The version of these integration services, as the guest reports it (`IntegrationServicesVersion`); the package's version. */
export const INTEGRATION_SERVICES_VERSION = '0.1.0';

/** Entries each pool holds at most, by default. */
export const KVP_DEFAULT_POOL_CAPACITY = 1_024;

/** Pools the host may SET and DELETE in (it reads them all). */
const HOST_WRITABLE_POOLS: ReadonlySet<number> = new Set([KvpPool.EXTERNAL, KvpPool.AUTO_EXTERNAL]);

/** A value to store: a typed {@link KvpValue}, or a string (stored as `REG_SZ`). */
export type GuestKvpInput = KvpValue | string;

/** A guest write to the KVP pools that could not be done: the pool is full. */
export class KvpPoolFullError extends Error {
  override readonly name = 'KvpPoolFullError';

  constructor(
    readonly pool: KvpPool,
    readonly capacity: number,
  ) {
    super(`KVP pool ${pool} is full: it holds ${capacity} entries at most`);
  }
}

/**
 * The guest's key-value pools, shared with the host. The host writes the External pool
 * (`KvpPool.EXTERNAL`) and reads the others; the guest program writes its Guest pool
 * (`KvpPool.GUEST`); the Auto pool (`KvpPool.AUTO`) holds facts the driver generates at bind.
 */
export interface GuestKvp {
  /** The value of `key` in `pool`, if any. */
  get(pool: KvpPool, key: string): KvpValue | undefined;
  /**
   * Publishes `key` = `value` in the Guest pool, for the host to read.
   * @throws RangeError if the key or value does not fit the wire format.
   * @throws KvpPoolFullError if the key is new and the pool is full.
   */
  set(key: string, value: GuestKvpInput): void;
  /** Removes `key` from the Guest pool; `true` if it was there. */
  delete(key: string): boolean;
  /** A copy of `pool`, in insertion order. */
  entries(pool: KvpPool): Map<string, KvpValue>;
  /** Whether host requests are answered (a program may stop answering, as a hung daemon would). */
  answering: boolean;
  /** Host requests answered and rejected. */
  readonly counters: IcDriverCounters;
}

/** Options of {@link KvpDriver}. */
export interface KvpDriverOptions {
  /** Entries each pool holds at most; default {@link KVP_DEFAULT_POOL_CAPACITY}. */
  readonly poolCapacity?: number;
  /** Facts for the Auto pool, added to (or replacing) the generated `OSName` and `IntegrationServicesVersion`. */
  readonly autoFacts?: Readonly<Record<string, string>>;
}

/** The pools of one device: a bounded map per pool, each in insertion order. */
class KvpPools {
  private readonly pools = new Map<KvpPool, Map<string, KvpValue>>(Object.values(KvpPool).map((pool) => [pool, new Map()]));

  constructor(private readonly capacity: number) {}

  get(pool: KvpPool, key: string): KvpValue | undefined {
    return this.pool(pool).get(key);
  }

  /** The `index`-th record of `pool` in insertion order. */
  at(pool: KvpPool, index: number): { key: string; value: KvpValue } | undefined {
    let position = 0;
    for (const [key, value] of this.pool(pool)) if (position++ === index) return { key, value };
    return undefined;
  }

  /** @throws KvpPoolFullError if `key` is new and the pool is full. */
  put(pool: KvpPool, key: string, value: KvpValue): void {
    const entries = this.pool(pool);
    if (!entries.has(key) && entries.size >= this.capacity) throw new KvpPoolFullError(pool, this.capacity);
    entries.set(key, value);
  }

  delete(pool: KvpPool, key: string): boolean {
    return this.pool(pool).delete(key);
  }

  entries(pool: KvpPool): Map<string, KvpValue> {
    return new Map(this.pool(pool));
  }

  private pool(pool: KvpPool): Map<string, KvpValue> {
    const entries = this.pools.get(pool);
    if (!entries) throw new RangeError(`a KVP pool is one of ${Object.values(KvpPool).join(', ')}, got ${pool}`);
    return entries;
  }
}

function toKvpValue(value: GuestKvpInput): KvpValue {
  return typeof value === 'string' ? { type: KvpValueType.STRING, text: value } : value;
}

/** The device the driver hands out; the driver answers the host from its pools. */
class GuestKvpState implements GuestKvp {
  answering = true;

  constructor(
    readonly pools: KvpPools,
    readonly counters: IcDriverCounters,
  ) {}

  get(pool: KvpPool, key: string): KvpValue | undefined {
    return this.pools.get(pool, key);
  }

  set(key: string, value: GuestKvpInput): void {
    const typed = toKvpValue(value);
    kvpExchangeValue(key, typed);
    this.pools.put(KvpPool.GUEST, key, typed);
  }

  delete(key: string): boolean {
    return this.pools.delete(KvpPool.GUEST, key);
  }

  entries(pool: KvpPool): Map<string, KvpValue> {
    return this.pools.entries(pool);
  }
}

/**
 * The guest side of the KVP exchange service: keeps the pools in memory, bounded, and answers the
 * host's requests from them (what the Linux `hv_kvp_daemon` does with its pool files):
 * - GET of any pool: the value, or E_FAIL if the key is missing;
 * - SET and DELETE in the External and AutoExternal pools; E_FAIL for other pools, a missing key
 *   (DELETE) or a new key in a full pool (SET);
 * - ENUMERATE of any pool by index, in insertion order; NO_MORE_ITEMS past the last record.
 */
export class KvpDriver extends IcServiceDriver<GuestKvp> {
  readonly deviceClass = kvpClass;
  protected readonly serviceVersions = KVP_VERSIONS;
  protected readonly messageType = IcMessageType.KVP;
  private readonly poolCapacity: number;
  private readonly autoFacts: Readonly<Record<string, string>>;

  constructor(options: KvpDriverOptions = {}) {
    super();
    const capacity = options.poolCapacity ?? KVP_DEFAULT_POOL_CAPACITY;
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`a KVP pool capacity is a positive integer, got ${capacity}`);
    this.poolCapacity = capacity;
    this.autoFacts = { OSName: 'tsvisor guest', IntegrationServicesVersion: INTEGRATION_SERVICES_VERSION, ...options.autoFacts };
  }

  protected createDevice(_channel: Channel, counters: IcDriverCounters): GuestKvp {
    const pools = new KvpPools(this.poolCapacity);
    for (const [key, text] of Object.entries(this.autoFacts)) {
      const value = toKvpValue(text);
      kvpExchangeValue(key, value);
      pools.put(KvpPool.AUTO, key, value);
    }
    return new GuestKvpState(pools, counters);
  }

  protected answer(device: GuestKvp, request: Uint8Array): Uint8Array | undefined {
    if (!device.answering) return undefined;
    const { pools } = device as GuestKvpState;
    const kvp = readKvpRequest(request);
    switch (kvp.operation) {
      case KvpOperation.GET: {
        const value = pools.get(kvp.pool, kvp.key);
        return value ? answerKvpGet(request, value) : answerKvp(request, IcStatus.E_FAIL);
      }
      case KvpOperation.SET:
        if (!HOST_WRITABLE_POOLS.has(kvp.pool)) return answerKvp(request, IcStatus.E_FAIL);
        try {
          pools.put(kvp.pool, kvp.key, kvp.value);
        } catch (error) {
          if (!(error instanceof KvpPoolFullError)) throw error;
          return answerKvp(request, IcStatus.E_FAIL);
        }
        return answerKvp(request, IcStatus.S_OK);
      case KvpOperation.DELETE: {
        const deleted = HOST_WRITABLE_POOLS.has(kvp.pool) && pools.delete(kvp.pool, kvp.key);
        return answerKvp(request, deleted ? IcStatus.S_OK : IcStatus.E_FAIL);
      }
      case KvpOperation.ENUMERATE: {
        const record = pools.at(kvp.pool, kvp.index);
        return record ? answerKvpEnumerate(request, record) : answerKvp(request, IcStatus.NO_MORE_ITEMS);
      }
    }
  }
}
