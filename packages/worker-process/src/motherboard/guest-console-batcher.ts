import { MAX_CONSOLE_REPORT_CHARS } from '../control/worker-report-decoder.js';

/** How long console text may wait to be batched with more, ms. */
const FLUSH_DELAY_MS = 20;

/**
 * Turns the guest's console messages (UTF-8 pieces of at most 240 bytes) into text reports: decoded
 * as a stream (a character may span messages), batched for {@link FLUSH_DELAY_MS}, and bounded —
 * text beyond {@link MAX_CONSOLE_REPORT_CHARS} per batch is dropped and counted, so a guest that
 * floods its console costs its own VM some output, not the host its memory.
 */
export class GuestConsoleBatcher {
  readonly #decoder = new TextDecoder();
  readonly #emit: (text: string) => void;
  #pending = '';
  #timer: NodeJS.Timeout | undefined;
  #droppedChars = 0;

  constructor(emit: (text: string) => void) {
    this.#emit = emit;
  }

  /** Characters dropped because a batch was full. */
  get droppedChars(): number {
    return this.#droppedChars;
  }

  /** Takes one console message's bytes. */
  write(bytes: Uint8Array): void {
    const text = this.#decoder.decode(bytes, { stream: true });
    const room = MAX_CONSOLE_REPORT_CHARS - this.#pending.length;
    if (text.length > room) {
      this.#droppedChars += text.length - room;
      this.#pending += text.slice(0, room);
    } else {
      this.#pending += text;
    }
    this.#timer ??= setTimeout(() => this.flush(), FLUSH_DELAY_MS);
  }

  /** Emits what is pending now. */
  flush(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending === '') return;
    const text = this.#pending;
    this.#pending = '';
    this.#emit(text);
  }
}
