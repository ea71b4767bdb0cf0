/** Counters of one virtual processor. */
export interface VpCounters {
  readonly index: number;
  /** Whether a thread is running for this VP now. */
  readonly running: boolean;
  /** Milliseconds the VP thread was busy running guest code (time blocked by a pause excluded). */
  readonly activeMs: number;
  /** Milliseconds the VP threads have existed (busy or waiting). */
  readonly elapsedMs: number;
  readonly messagesSent: number;
  readonly signalsSent: number;
  readonly messagesRefused: number;
  readonly signalsRefused: number;
  /** PostMessage calls refused with InsufficientBuffers because the host had not drained yet. */
  readonly queueFull: number;
  /** Hypercalls with malformed input (alignment, range, size). */
  readonly badHypercalls: number;
}

/** A snapshot of a partition's counters. Counts are cumulative since the partition was created. */
export interface PartitionCounters {
  /** `performance.now()` when the snapshot was taken. */
  readonly timestamp: number;
  readonly memoryBytes: number;
  readonly vps: readonly VpCounters[];
  /** Host → guest messages written into SIMP slots. */
  readonly messagesDelivered: number;
  /** Host → guest messages refused because a SINT's queue was full. */
  readonly messagesDropped: number;
  /** Guest → host messages, signals and refusals, summed over the VPs. */
  readonly messagesSent: number;
  readonly signalsSent: number;
  readonly messagesRefused: number;
  readonly signalsRefused: number;
}

/**
 * CPU utilisation of each VP between two snapshots, in [0, 1]: the share of wall time its
 * thread was busy with guest code.
 */
export function vpUtilization(before: PartitionCounters, after: PartitionCounters): number[] {
  return after.vps.map((vp) => {
    const prev = before.vps[vp.index];
    const active = vp.activeMs - (prev?.activeMs ?? 0);
    const elapsed = vp.elapsedMs - (prev?.elapsedMs ?? 0);
    return elapsed > 0 ? Math.min(1, Math.max(0, active / elapsed)) : 0;
  });
}
