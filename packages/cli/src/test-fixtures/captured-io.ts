import type { CliIo, TextOutput } from '../cli-io.js';

/** A {@link TextOutput} that keeps what is written. */
export class CapturedOutput implements TextOutput {
  text = '';

  constructor(readonly isTTY = false) {}

  write(text: string): boolean {
    this.text += text;
    return true;
  }
}

/** A {@link CliIo} whose output tests read; `interrupt` is theirs to abort. */
export interface CapturedIo extends CliIo {
  readonly stdout: CapturedOutput;
  readonly stderr: CapturedOutput;
  readonly interruption: AbortController;
}

/** A {@link CapturedIo} with an empty environment unless given one. */
export function capturedIo(options: { env?: Record<string, string>; cwd?: string; homeDir?: string; ttyStderr?: boolean } = {}): CapturedIo {
  const interruption = new AbortController();
  return {
    stdout: new CapturedOutput(),
    stderr: new CapturedOutput(options.ttyStderr ?? false),
    env: options.env ?? {},
    cwd: options.cwd ?? '/work/vms',
    homeDir: options.homeDir ?? '/home/operator',
    interrupt: interruption.signal,
    interruption,
  };
}
