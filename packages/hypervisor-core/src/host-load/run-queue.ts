import { closeSync, openSync, readSync } from 'node:fs';

/**
 * Where Linux publishes the load averages and, fourth, `runnable/threads` at this instant. A
 * process under the permission model needs read access to it (granted to VM worker processes).
 */
export const RUN_QUEUE_PATH = '/proc/loadavg';

/**
 * The number of runnable threads in `/proc/loadavg` text (the part before the slash of its fourth
 * field: `0.52 0.58 0.59 3/412 1234`), or undefined if the text is not in that form.
 */
export function parseRunnable(text: string): number | undefined {
  const field = text.trim().split(/\s+/)[3];
  const match = field === undefined ? null : /^(\d+)\/\d+$/.exec(field);
  return match ? Number(match[1]) : undefined;
}

/**
 * The host's run queue as Linux reports it: how many threads are runnable right now, over every
 * CPU (the reading thread included). The file stays open and is read again from its start for each
 * sample: one system call. Where there is no `/proc/loadavg` (another OS, a sandbox) every sample
 * is undefined.
 */
export class RunQueue {
  private fd: number | undefined;
  /** The file could not be opened: the host does not say, and is not asked again. */
  private unavailable = false;
  private readonly buffer = Buffer.alloc(128);

  constructor(private readonly path: string = RUN_QUEUE_PATH) {}

  /** Threads runnable now, or undefined when the host does not say. */
  runnable(): number | undefined {
    if (this.unavailable) return undefined;
    try {
      this.fd ??= openSync(this.path, 'r');
      const length = readSync(this.fd, this.buffer, 0, this.buffer.length, 0);
      return parseRunnable(this.buffer.toString('latin1', 0, length));
    } catch {
      this.unavailable = this.fd === undefined;
      this.close();
      return undefined;
    }
  }

  /** Closes the file (a later sample opens it again). */
  close(): void {
    if (this.fd === undefined) return;
    const fd = this.fd;
    this.fd = undefined;
    try {
      closeSync(fd);
    } catch {
      // already gone
    }
  }
}
