import { asyncScheduler, tap, throttleTime, type Observable, type Subscription } from 'rxjs';

/** Where a {@link TerminalScreen} writes: standard output, or any stream that says whether it is a terminal. */
export interface ScreenOutput {
  readonly isTTY?: boolean;
  write(text: string): unknown;
}

/** How often a live block is printed when the output is not a terminal, ms. */
const SNAPSHOT_EVERY_MS = 1_000;

/** ANSI CSI sequences: cursor to the start of the line `lines` up; erase from the cursor to the end of the screen. */
const cursorUp = (lines: number): string => `\x1b[${lines}F`;
const ERASE_DOWN = '\x1b[J';

function block(lines: readonly string[]): string {
  return lines.map((line) => `${line}\n`).join('');
}

/**
 * The demo's output: lines that scroll and, while {@link showLive} runs, a block under them that
 * keeps changing. On a terminal the block is redrawn in place with ANSI cursor movement, and lines
 * printed meanwhile appear above it. Elsewhere (a pipe, a CI log) the block is printed as a
 * snapshot at most every {@link SNAPSHOT_EVERY_MS}, between the lines.
 */
export class TerminalScreen {
  readonly #out: ScreenOutput;
  /** The live block as last drawn on the terminal; empty when none is shown. */
  #live: readonly string[] = [];

  constructor(out: ScreenOutput) {
    this.#out = out;
  }

  /** Prints `line` (above the live block, on a terminal). */
  print(line = ''): void {
    if (this.#live.length === 0) this.#out.write(`${line}\n`);
    else this.#out.write(`${cursorUp(this.#live.length)}${ERASE_DOWN}${line}\n${block(this.#live)}`);
  }

  /**
   * Shows each frame of `frames$` as the live block until the returned subscription is
   * unsubscribed; the last frame then stays on the screen, as printed lines do.
   */
  showLive(frames$: Observable<readonly string[]>): Subscription {
    if (!this.#out.isTTY) return this.#snapshots(frames$);
    const subscription = frames$.subscribe((frame) => {
      this.#out.write(`${this.#live.length === 0 ? '' : `${cursorUp(this.#live.length)}${ERASE_DOWN}`}${block(frame)}`);
      this.#live = frame;
    });
    subscription.add(() => {
      this.#live = [];
    });
    return subscription;
  }

  #snapshots(frames$: Observable<readonly string[]>): Subscription {
    let latest: readonly string[] | undefined;
    let printed: readonly string[] | undefined;
    const subscription = frames$
      .pipe(
        tap((frame) => (latest = frame)),
        throttleTime(SNAPSHOT_EVERY_MS, asyncScheduler, { leading: true, trailing: true }),
      )
      .subscribe((frame) => {
        printed = frame;
        this.#out.write(block(frame));
      });
    subscription.add(() => {
      if (latest !== undefined && latest !== printed) this.#out.write(block(latest));
    });
    return subscription;
  }
}
