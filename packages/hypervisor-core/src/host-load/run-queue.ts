import { closeSync, openSync, readSync } from 'node:fs';

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

/**
 * The host's run queue as Linux reports it: how many threads are runnable right now, over every
 * CPU (the reading thread included). Each sample opens, reads and closes the file: a VP thread
 * that kept it open would leak the descriptor when the thread is terminated. Where there is no
 * `/proc/loadavg` (another OS, a sandbox) every sample is undefined, and the file is not tried
 * again.
 */
export class RunQueue {
  /** The file could not be opened: the host does not say, and is not asked again. */
  private unavailable = false;
  private readonly buffer = Buffer.alloc(128);

  constructor(private readonly path: string = RUN_QUEUE_PATH) {}

  /** Threads runnable now, or undefined when the host does not say. */
  runnable(): number | undefined {
    if (this.unavailable) return undefined;
    let fd: number;
    try {
      fd = openSync(this.path, 'r');
    } catch {
      this.unavailable = true;
      return undefined;
    }
    try {
      const length = readSync(fd, this.buffer, 0, this.buffer.length, 0);
      return parseRunnable(this.buffer.toString('latin1', 0, length));
    } catch {
      return undefined;
    } finally {
      closeSync(fd);
    }
  }
}
