/** One device of a {@link WorkerVmSpec}: an instance of a device class with its JSON configuration. */
export interface WorkerDeviceSpec {
  readonly class: string;
  readonly instanceId: string;
  readonly config: unknown;
  /** What the host process granted the device (`VspFactory.grantHostAccess`), for a worker process of its own. */
  readonly hostGrant?: Readonly<Record<string, string>>;
}

/**
 * What a worker process is told to run: the VM as the partition and the motherboard need it.
 * The VMMS derives it from the VM's configuration; plain data, so it crosses a process boundary.
 */
export interface WorkerVmSpec {
  readonly id: string;
  readonly name: string;
  /** Guest memory, bytes (a multiple of 4 KiB). */
  readonly memoryBytes: number;
  readonly processors: number;
  /**
   * How long a VP may poll for an interrupt before it sleeps, µs (`PartitionSpec.haltPollUs`: 0 to
   * `MAX_HALT_POLL_US`, 0 turns polling off); the hypervisor's default when absent.
   */
  readonly haltPollUs?: number;
  readonly devices: readonly WorkerDeviceSpec[];
}
