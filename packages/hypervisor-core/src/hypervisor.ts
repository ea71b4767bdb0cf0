import { inject, injectable, optional, type ServiceIdentifier } from 'inversify';
import { BehaviorSubject, filter, firstValueFrom, type Observable } from 'rxjs';
import { BundlingGuestImageLoader } from './guest-image/bundling-guest-image-loader.js';
import { GuestImageLoader } from './guest-image/guest-image.js';
import { InvalidStateError } from './partition/invalid-state-error.js';
import { Partition } from './partition/partition.js';
import { DEFAULT_HALT_POLL_US, DEFAULT_VP_LIMITS, MAX_HALT_POLL_US, PartitionSpecError, type PartitionSpec } from './partition/partition-spec.js';
import { PAGE_SIZE, SYNIC_PAGES_PER_VP } from './synic/synic-layout.js';
import { BundlingVpRuntimeSource } from './vp/bundling-vp-runtime-source.js';
import { VpRuntimeSource } from './vp/vp-runtime-source.js';

/** Limits a hypervisor enforces on the partitions it creates. */
export interface HypervisorOptions {
  /** Largest guest memory of one partition, in bytes. */
  readonly maxMemoryBytes: number;
  /** Most virtual processors per partition. */
  readonly maxVpCount: number;
  /** Most partitions at once. */
  readonly maxPartitions: number;
}

/** Inversify token for {@link HypervisorOptions}. */
export const HypervisorOptions: ServiceIdentifier<Partial<HypervisorOptions>> = Symbol.for('@tsvisor/hypervisor-core/HypervisorOptions');

/** The limits used where none are bound. */
export const DEFAULT_HYPERVISOR_OPTIONS: HypervisorOptions = {
  maxMemoryBytes: 1024 * 1024 * 1024,
  maxVpCount: 16,
  maxPartitions: 256,
};

/** Smallest useful partition: 16 pages of RAM beyond the SynIC's. */
const MIN_RAM_PAGES = 16;
const MAX_VP_HEAP_MB = 4096;

/**
 * Creates, lists and destroys partitions. Injectable: bind it with {@link hypervisorModule},
 * or construct it directly (`new Hypervisor()`) for the defaults. Where no bundler may run,
 * give it a {@link PrebuiltGuestImageLoader} and a {@link PrebuiltVpRuntimeSource}.
 */
@injectable()
export class Hypervisor {
  private readonly options: HypervisorOptions;
  private readonly loader: GuestImageLoader;
  private readonly runtime: VpRuntimeSource;
  private readonly byId = new Map<number, Partition>();
  private readonly list = new BehaviorSubject<readonly Partition[]>([]);
  private nextId = 1;

  /** The partitions that exist, replayed to new subscribers. */
  readonly partitions$: Observable<readonly Partition[]> = this.list.asObservable();

  constructor(
    @inject(HypervisorOptions) @optional() options?: Partial<HypervisorOptions>,
    @inject(GuestImageLoader) @optional() loader?: GuestImageLoader,
    @inject(VpRuntimeSource) @optional() runtime?: VpRuntimeSource,
  ) {
    this.options = { ...DEFAULT_HYPERVISOR_OPTIONS, ...options };
    this.loader = loader ?? new BundlingGuestImageLoader();
    this.runtime = runtime ?? new BundlingVpRuntimeSource();
  }

  /** Creates a partition in state `created`. Throws {@link PartitionSpecError} naming a bad field. */
  createPartition(spec: PartitionSpec): Partition {
    this.validate(spec);
    if (this.byId.size >= this.options.maxPartitions) {
      throw new RangeError(`the hypervisor already runs its maximum of ${this.options.maxPartitions} partitions`);
    }
    const partition = new Partition(this.nextId++, spec, { imageLoader: this.loader, runtime: this.runtime, limits: DEFAULT_VP_LIMITS });
    this.byId.set(partition.id, partition);
    this.publish();
    return partition;
  }

  /** Every partition, in creation order. */
  partitions(): readonly Partition[] {
    return this.list.value;
  }

  /** The partition with this id, if any. */
  get(id: number): Partition | undefined {
    return this.byId.get(id);
  }

  /**
   * Releases a partition's memory and ports. It must not be running: stop it first
   * (`created`, `off` and `faulted` partitions can be destroyed).
   */
  async destroyPartition(partition: Partition): Promise<void> {
    if (partition.state === 'destroyed') throw new InvalidStateError(partition.state, 'destroy', partition.name);
    if (this.byId.get(partition.id) !== partition) throw new RangeError(`partition ${partition.id} does not belong to this hypervisor`);
    if (partition.state === 'faulted') await partition.stop();
    partition.destroy();
    this.byId.delete(partition.id);
    this.publish();
  }

  /** Stops and destroys every partition (a host shutting down). */
  async shutdown(): Promise<void> {
    for (const partition of this.partitions()) {
      if (['starting', 'running', 'paused'].includes(partition.state)) await partition.stop();
      // A guest that halted by itself is already on its way to off.
      await firstValueFrom(partition.state$.pipe(filter((state) => state !== 'stopping')));
      await this.destroyPartition(partition);
    }
  }

  private publish(): void {
    this.list.next([...this.byId.values()]);
  }

  private validate(spec: PartitionSpec): void {
    const { maxMemoryBytes, maxVpCount } = this.options;
    if (typeof spec.name !== 'string' || !/^[\x20-\x7e]{1,64}$/.test(spec.name)) {
      throw new PartitionSpecError('name', 'must be 1 to 64 printable ASCII characters');
    }
    const vpCount = spec.vpCount ?? 1;
    if (!Number.isInteger(vpCount) || vpCount < 1 || vpCount > maxVpCount) {
      throw new PartitionSpecError('vpCount', `must be an integer from 1 to ${maxVpCount}`);
    }
    const size = spec.memoryBytes;
    if (!Number.isSafeInteger(size) || size <= 0 || size % PAGE_SIZE !== 0) {
      throw new PartitionSpecError('memoryBytes', `must be a positive multiple of ${PAGE_SIZE}`);
    }
    if (size > maxMemoryBytes) throw new PartitionSpecError('memoryBytes', `must be at most ${maxMemoryBytes}`);
    if (size / PAGE_SIZE < MIN_RAM_PAGES + vpCount * SYNIC_PAGES_PER_VP) {
      throw new PartitionSpecError('memoryBytes', `must hold at least ${MIN_RAM_PAGES} pages beyond the SynIC's ${vpCount * SYNIC_PAGES_PER_VP}`);
    }
    if (typeof spec.guest?.entry !== 'string' || spec.guest.entry.length === 0) {
      throw new PartitionSpecError('guest.entry', 'must name the guest entry module');
    }
    const haltPollUs = spec.haltPollUs ?? DEFAULT_HALT_POLL_US;
    if (!Number.isInteger(haltPollUs) || haltPollUs < 0 || haltPollUs > MAX_HALT_POLL_US) {
      throw new PartitionSpecError('haltPollUs', `must be an integer from 0 to ${MAX_HALT_POLL_US} (µs)`);
    }
    for (const [key, value] of Object.entries(spec.resourceLimits ?? {})) {
      if (!(key in DEFAULT_VP_LIMITS)) throw new PartitionSpecError(`resourceLimits.${key}`, 'is not a known limit');
      if (!Number.isInteger(value) || (value as number) < 1 || (value as number) > MAX_VP_HEAP_MB) {
        throw new PartitionSpecError(`resourceLimits.${key}`, `must be an integer from 1 to ${MAX_VP_HEAP_MB} (MiB)`);
      }
    }
  }
}
