import { DeadlineExceededError } from './deadline-exceeded-error.js';

/** How often {@link pollUntil} asks again, ms. */
const POLL_INTERVAL_MS = 100;

/**
 * Asks `check` every {@link POLL_INTERVAL_MS} until it answers a value other than `undefined`,
 * and resolves with that value. A check that throws is asked again (a device not yet ready); after
 * `timeoutMs` a {@link DeadlineExceededError} names `awaited` and the last error.
 */
export async function pollUntil<T>(check: () => Promise<T | undefined>, awaited: string, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() >= deadline) throw new DeadlineExceededError(awaited, timeoutMs, lastError === undefined ? undefined : { cause: lastError });
    await new Promise((resolve) => setTimeout(resolve, POLL_INTERVAL_MS));
  }
}
