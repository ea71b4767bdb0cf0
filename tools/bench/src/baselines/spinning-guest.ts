import { once } from 'node:events';
import { Worker } from 'node:worker_threads';

/**
 * Runs `serve` on this thread (the host of a two-thread floor) while a worker thread (the guest)
 * runs `source`, a script that posts a message once it is ready and spins until the word `stop`
 * of `flags` is set. Sets that word after `serve` returns or throws, and waits for the guest's
 * exit before it settles. The caller opens what `serve` needs first: a failure there must not
 * leave a guest spinning.
 */
export async function serveSpinningGuest<T>(source: string, workerData: object, flags: Int32Array, stop: number, serve: () => T): Promise<T> {
  const guest = new Worker(source, { eval: true, workerData });
  // Listened for from the start: a guest that fails early has exited before the finally below.
  const exited = once(guest, 'exit');
  try {
    await once(guest, 'message');
    return serve();
  } finally {
    Atomics.store(flags, stop, 1);
    await exited;
  }
}
