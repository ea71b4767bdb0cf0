import type { VpResourceLimits } from '../vp/virtual-processor.js';

/** What a partition is made of. Plain data: it can cross a process boundary. */
export interface PartitionSpec {
  /** A name for people and logs (1 to 64 printable characters). */
  readonly name: string;
  /** Guest memory in bytes: a multiple of 4 KiB, at most the hypervisor's maximum. */
  readonly memoryBytes: number;
  /** Virtual processors (default 1). */
  readonly vpCount?: number;
  /** The guest entry module each VP runs: a path or file URL of an ES module whose default export is `async (env) => …`. */
  readonly guest: { readonly entry: string };
  /** V8 heap limits per VP (defaults: 64 MiB heap, 16 MiB young generation, 4 MiB stack). */
  readonly resourceLimits?: Partial<VpResourceLimits>;
  /**
   * Halt polling: how long, in microseconds, a VP with nothing to do may look at its
   * pending-interrupt mask before it sleeps (default {@link DEFAULT_HALT_POLL_US}; 0 turns polling
   * off). How long it does adapts, as KVM's does: it starts at none, grows while the VP's waits
   * end sooner than this, and shrinks when they last longer. An interrupt that comes while it
   * polls (a device answering the I/O the guest just started) is taken without sleeping and
   * being woken, which cost both threads more than the polling; see docs/hypervisor-core.md.
   */
  readonly haltPollUs?: number;
}

/** Default {@link PartitionSpec.haltPollUs}: what KVM polls a halted vCPU for at most, by default. */
export const DEFAULT_HALT_POLL_US = 200;
/** Largest {@link PartitionSpec.haltPollUs}: 100 ms. */
export const MAX_HALT_POLL_US = 100_000;

/** A partition spec was refused; `field` names what was wrong. */
export class PartitionSpecError extends Error {
  override readonly name = 'PartitionSpecError';

  constructor(
    /** Path of the offending field, e.g. `memoryBytes` or `resourceLimits.maxHeapMb`. */
    readonly field: string,
    message: string,
  ) {
    super(`${field}: ${message}`);
  }
}

/** Default V8 limits of a VP thread. */
export const DEFAULT_VP_LIMITS: VpResourceLimits = { maxHeapMb: 64, maxYoungGenerationMb: 16, stackMb: 4 };
