import { fileURLToPath } from 'node:url';
import type { Partition } from '../index.js';
import { textOf } from './guest-messaging.js';

/** Path of a test guest in `test-fixtures/guests/`. */
export function guestPath(name: string): string {
  return fileURLToPath(new URL(`./guests/${name}.ts`, import.meta.url));
}

/** Text messages a test guest posts on one connection id, collected for assertions. */
export class GuestConsole {
  readonly lines: { type: number; text: string; vp: number }[] = [];
  private waiters: (() => void)[] = [];

  constructor(partition: Partition, connectionId = 1) {
    partition.openMessagePort(connectionId, (type, payload, size, vp) => {
      this.lines.push({ type, text: textOf(payload, size), vp });
      for (const wake of this.waiters.splice(0)) wake();
    });
  }

  /** Resolves with the first line (already seen or yet to come) that matches. */
  async waitFor(match: (text: string) => boolean, timeoutMs = 10_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.lines.find((l) => match(l.text));
      if (line) return line.text;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no guest line matched within ${timeoutMs} ms; saw: ${JSON.stringify(this.lines.slice(-5))}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }
}

/** Resolves when the partition reaches `state`. */
export function reach(partition: Partition, state: Partition['state'], timeoutMs = 10_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`partition stayed ${partition.state}, never ${state}`)), timeoutMs);
    const sub = partition.state$.subscribe((s) => {
      if (s !== state) return;
      clearTimeout(timer);
      queueMicrotask(() => sub.unsubscribe());
      resolve();
    });
  });
}

/** Bytes of a string's char codes (test payloads are ASCII). */
export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}
