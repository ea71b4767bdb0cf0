import { openSync, readSync } from 'node:fs';

/**
 * Where Linux publishes the load averages and, fourth, `runnable/threads` at this instant. A
 * process under the permission model needs read access to it (granted to VM worker processes).
 */
export const RUN_QUEUE_PATH = '/proc/loadavg';

/**
 * The number of runnable threads in `/proc/loadavg` text (the part before the slash of its fourth
 * field: `0.52 0.58 0.59 3/412 12345`), or undefined if the text is not in that form.
 */
export function parseRunnable(text: string): number | undefined {
  const field = text.trim().split(/\s+/)[3];
  const match = field === undefined ? null : /^(\d+)\/\d+$/.exec(field);
  return match ? Number(match[1]) : undefined;
}

/** The descriptor of {@link RUN_QUEUE_PATH} this process shares, opened on first use; -1 if it cannot be. */
let sharedDescriptor: number | undefined;

/**
 * The process's one open descriptor of the run queue file, for {@link RunQueue}s on any of its
 * threads: descriptors belong to the process, and one opened by a VP thread would leak when the
 * thread is terminated, so the host opens it once (and keeps it for the life of the process) and
 * hands the number to its VP threads. Undefined where the file cannot be opened (another OS, a
 * sandbox).
 */
export function runQueueDescriptor(): number | undefined {
  if (sharedDescriptor === undefined) {
    try {
      sharedDescriptor = openSync(RUN_QUEUE_PATH, 'r');
    } catch {
      sharedDescriptor = -1;
    }
  }
  return sharedDescriptor < 0 ? undefined : sharedDescriptor;
}

/**
 * The host's run queue as Linux reports it: how many threads are runnable right now, over every
 * CPU (the reading thread included). Each sample is one positioned read of an open descriptor of
 * the file (see {@link runQueueDescriptor}), from its start. Without one every sample is undefined.
 */
export class RunQueue {
  private readonly buffer = Buffer.alloc(128);

  /** @param fd - an open descriptor of the run queue file (see {@link runQueueDescriptor}); none: no samples. */
  constructor(private readonly fd: number | undefined) {}

  /** Threads runnable now, or undefined when the host does not say. */
  runnable(): number | undefined {
    if (this.fd === undefined) return undefined;
    try {
      const length = readSync(this.fd, this.buffer, 0, this.buffer.length, 0);
      return parseRunnable(this.buffer.toString('latin1', 0, length));
    } catch {
      return undefined;
    }
  }
}
