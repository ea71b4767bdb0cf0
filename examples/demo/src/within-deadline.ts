import { firstValueFrom, from, throwError, timeout, type Observable } from 'rxjs';
import { DeadlineExceededError } from './deadline-exceeded-error.js';

/**
 * The first value of `source` (a promise or an observable), or a {@link DeadlineExceededError}
 * naming `awaited` if none comes within `timeoutMs`.
 */
export function withinDeadline<T>(source: Promise<T> | Observable<T>, timeoutMs: number, awaited: string): Promise<T> {
  return firstValueFrom(from(source).pipe(timeout({ first: timeoutMs, with: () => throwError(() => new DeadlineExceededError(awaited, timeoutMs)) })));
}
