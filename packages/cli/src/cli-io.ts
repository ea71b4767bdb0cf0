/** Where the CLI writes text: a terminal, a pipe, or a test's buffer. */
export interface TextOutput {
  write(text: string): unknown;
  /** True for a terminal: progress is then redrawn on one line. */
  readonly isTTY?: boolean;
}

/** What a run of the CLI sees of the world besides its arguments; tests pass their own. */
export interface CliIo {
  readonly stdout: TextOutput;
  readonly stderr: TextOutput;
  /** `TSVISOR_HOST`, `TSVISOR_TOKEN`. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Relative paths (`--guest`, `--data-dir`) are taken from here. */
  readonly cwd: string;
  /** The default data directory is `.tsvisor` in here. */
  readonly homeDir: string;
  /** Aborted when the user asks the command to stop (SIGINT, SIGTERM). */
  readonly interrupt: AbortSignal;
}
