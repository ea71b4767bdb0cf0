/**
 * `npm start`: the tsvisor demo (see `demo.ts`) in a fresh data directory, removed at the end.
 * Exits 0 when every step succeeded, 1 with the reason when one failed, and 1 when the demo has
 * not finished after {@link WATCHDOG_MS}.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runDemo } from './demo.js';
import { TerminalScreen } from './terminal-screen.js';

/** How long the whole demo may take, ms, however slow the machine. */
const WATCHDOG_MS = 90_000;

const startedAt = Date.now();
const dataDir = await mkdtemp(join(tmpdir(), 'tsvisor-demo-'));
const watchdog = setTimeout(() => {
  console.error(`demo: not finished after ${WATCHDOG_MS / 1000} s; giving up`);
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(1);
}, WATCHDOG_MS);
watchdog.unref();

const screen = new TerminalScreen(process.stdout);
try {
  await runDemo({ dataDir, hostPackageDir: fileURLToPath(new URL('..', import.meta.url)), screen });
} catch (error) {
  await rm(dataDir, { recursive: true, force: true });
  console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
}
await rm(dataDir, { recursive: true, force: true });
screen.print(`daemon closed, ${dataDir} removed; the demo took ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
