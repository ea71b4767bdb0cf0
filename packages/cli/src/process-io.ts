import { homedir } from 'node:os';
import type { CliIo } from './cli-io.js';

const STOP_SIGNALS = ['SIGINT', 'SIGTERM'] as const;

/**
 * The {@link CliIo} of the running process. The first SIGINT or SIGTERM aborts `interrupt`, so a
 * command can stop cleanly (the daemon closes, a wait says which job goes on); a second one
 * finds no handler left and ends the process the default way.
 */
export function processIo(): CliIo {
  const interrupt = new AbortController();
  const onSignal = (): void => {
    for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
    interrupt.abort();
  };
  for (const signal of STOP_SIGNALS) process.once(signal, onSignal);
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    env: process.env,
    cwd: process.cwd(),
    homeDir: homedir(),
    interrupt: interrupt.signal,
  };
}
