import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';

/** How long an answer of {@link HostLoadProbe.overcommitted} is reused before the run queue is read again (ms). */
export const HOST_LOAD_MAX_AGE_MS = 1;

/**
 * Whether the host is overcommitted: more threads runnable than it has CPUs (the asking thread
 * counts itself). A VP asks before it halt-polls, and does not poll when the answer is yes: KVM polls
 * only while nothing else waits for the CPU, and a VP thread cannot see its CPU's run queue, so it
 * reads the host's (a `RunQueue` on the descriptor its process shares), at most once per
 * {@link HOST_LOAD_MAX_AGE_MS}. A host that does not say counts as not overcommitted: VPs poll as
 * configured.
 */
export class HostLoadProbe {
  private sampledAt = -Infinity;
  private answer = false;

  constructor(
    /** Threads runnable now (a `RunQueue`'s `runnable`), or undefined when the host does not say. */
    private readonly runnable: () => number | undefined,
    /** CPUs the host's threads share. */
    readonly cpus: number = availableParallelism(),
    private readonly now: () => number = () => performance.now(),
    readonly maxAgeMs: number = HOST_LOAD_MAX_AGE_MS,
  ) {}

  /** Whether more threads are runnable than there are CPUs, as of at most {@link maxAgeMs} ago. */
  overcommitted(): boolean {
    const now = this.now();
    if (now - this.sampledAt < this.maxAgeMs) return this.answer;
    this.sampledAt = now;
    const runnable = this.runnable();
    this.answer = runnable !== undefined && runnable > this.cpus;
    return this.answer;
  }
}
