import { Subject, type Observable } from 'rxjs';

/** Characters of console output kept per VM. */
export const CONSOLE_HISTORY_CHARS = 64 * 1024;

/** A VM's console output: the last {@link CONSOLE_HISTORY_CHARS} characters, and a live stream. */
export class ConsoleHistory {
  #text = '';
  readonly #live = new Subject<string>();
  /** Text as it arrives. */
  readonly text$: Observable<string> = this.#live.asObservable();

  append(text: string): void {
    this.#text = (this.#text + text).slice(-CONSOLE_HISTORY_CHARS);
    this.#live.next(text);
  }

  /** What is kept. */
  get text(): string {
    return this.#text;
  }
}
