import { defer, mergeMap, type Observable } from 'rxjs';

/**
 * The complete lines of a console, as they arrive: the text's chunks joined and split at each
 * newline; a last line without its newline is held back until it ends.
 */
export function consoleLines(text$: Observable<string>): Observable<string> {
  return defer(() => {
    let pending = '';
    return text$.pipe(
      mergeMap((chunk) => {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop() ?? '';
        return lines;
      }),
    );
  });
}
