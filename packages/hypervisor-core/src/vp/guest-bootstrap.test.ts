import { describe, expect, it } from 'vitest';
import type { VpEnvironment } from '../guest-environment.js';
import { VpAssistPage } from '../synic/synic-layout.js';
import { guestBootstrap } from './guest-bootstrap.js';

const ASSIST_GPA = 4096;
const PENDING = (ASSIST_GPA + VpAssistPage.pendingInterrupts) / 4;
const WAITING = (ASSIST_GPA + VpAssistPage.waiting) / 4;
const SINT_2 = 1 << 2;

/**
 * The host clock the bootstrap polls with, which can raise SINT 2 (the bit only, as a raise
 * that finds no announced wait does) from inside a poll: {@link arm}ed, it raises on its second
 * reading of the next wait. The first reading is the wait's start; the second comes only from a
 * poll (after 256 looks) or, without one, after the wait has ended. So the raise lands while the
 * VP polls, on any machine however loaded, or not at all (disarm it once the VP has announced
 * its wait).
 */
class PollingClock {
  words: Int32Array | undefined;
  broken = false;
  private armed = false;
  private readings = 0;

  readonly now = (): number => {
    if (this.broken) throw new Error('no clock');
    if (this.armed && ++this.readings === 2) {
      this.armed = false;
      Atomics.or(this.words!, PENDING, SINT_2);
    }
    return performance.now();
  };

  arm(): void {
    this.armed = true;
    this.readings = 0;
  }

  disarm(): void {
    this.armed = false;
  }
}

/**
 * The environment the bootstrap gives a guest, made here in the host realm (the function is
 * self-contained), over 16 KiB of memory with the VP assist page at 4 KiB.
 */
async function environment(
  haltPollUs: number,
  clock = new PollingClock(),
  overcommitted: () => number = () => 0,
): Promise<{ env: VpEnvironment; words: Int32Array; clock: PollingClock }> {
  const memory = new SharedArrayBuffer(16384);
  const layout = JSON.stringify({ vpIndex: 0, vpCount: 1, memorySize: 16384, reservedFirstGpa: 4096, simpGpa: 8192, siefpGpa: 12288, vpAssistGpa: ASSIST_GPA, hypercallInputGpa: 0, haltPollUs });
  const ok = (): number => 0;
  const words = new Int32Array(memory);
  clock.words = words;
  const launch = guestBootstrap(memory, layout, ok, ok, ok, ok, clock.now, overcommitted, () => undefined, () => undefined);
  const env = await new Promise<VpEnvironment>((resolve) => launch({ default: (vp: VpEnvironment) => new Promise(() => resolve(vp)) }));
  return { env, words, clock };
}

/**
 * Waits that a raise ends at once, `count` of them: each ends within the limit, so the VP polls
 * longer next time (10 µs, then doubling).
 */
async function quickWaits(env: VpEnvironment, words: Int32Array, count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const wait = env.waitForInterrupt(5000);
    raise(words);
    expect(await wait).toBe(SINT_2);
  }
}

/**
 * The host side of a raise: the SINT's bit, then a wake-up only for a VP that announced its wait.
 * Returns whether it had to wake the VP.
 */
function raise(words: Int32Array): boolean {
  Atomics.or(words, PENDING, SINT_2);
  if (Atomics.compareExchange(words, WAITING, 1, 0) !== 1) return false;
  Atomics.notify(words, PENDING);
  return true;
}

/** A turn of this thread's event loop. */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Waits until the VP has announced its wait or `wait` has settled; returns whether it announced. */
async function announcedBefore(words: Int32Array, wait: Promise<number>): Promise<boolean> {
  let settled = false;
  void wait.then(() => (settled = true));
  for (;;) {
    if (Atomics.load(words, WAITING) === 1) return true;
    if (settled) return false;
    await turn();
  }
}

/**
 * Whether the next wait polls: the clock raises from inside a poll, which takes the interrupt
 * without announcing a wait; a VP that does not poll announces its wait (at once, before the call
 * returns) and is then woken here.
 */
async function polls(env: VpEnvironment, words: Int32Array, clock: PollingClock): Promise<boolean> {
  clock.arm();
  const wait = env.waitForInterrupt(5000);
  const announced = await announcedBefore(words, wait);
  // The clock must not raise at the end of a wait that did not poll.
  clock.disarm();
  if (announced) raise(words);
  expect(await wait).toBe(SINT_2);
  return !announced;
}

describe('halt polling in waitForInterrupt', () => {
  it('does not poll at first; once waits have been short, takes an interrupt that comes while it polls, without announcing a wait', async () => {
    const { env, words, clock } = await environment(20_000);
    expect(await polls(env, words, clock)).toBe(false);
    await quickWaits(env, words, 3);
    expect(await polls(env, words, clock)).toBe(true);
    expect(Atomics.load(words, WAITING)).toBe(0);
  });

  it('announces its wait after polling in vain, and a raise wakes it', async () => {
    const { env, words } = await environment(1000);
    await quickWaits(env, words, 4);
    const wait = env.waitForInterrupt(5000);
    expect(await announcedBefore(words, wait)).toBe(true);
    expect(raise(words)).toBe(true);
    expect(await wait).toBe(SINT_2);
    expect(Atomics.load(words, WAITING)).toBe(0);
  });

  it('lets the work the guest queued run before it polls: a raise from there is taken by the poll', async () => {
    const { env, words } = await environment(50_000);
    // Twelve short waits: the poll has grown to about 40 ms.
    await quickWaits(env, words, 12);
    // Guest work queued before the wait, ten microtasks deep (a request answered by the host's
    // raise, say). Polled at once, the poll ran out first and the VP slept until woken.
    let woke: boolean | undefined;
    let chain = Promise.resolve();
    for (let i = 0; i < 10; i++) chain = chain.then(() => undefined);
    void chain.then(() => (woke = raise(words)));
    expect(await env.waitForInterrupt(5000)).toBe(SINT_2);
    expect(woke).toBe(false);
    expect(Atomics.load(words, WAITING)).toBe(0);
  });

  it('stops polling when waits last longer than the limit', async () => {
    const { env, words, clock } = await environment(50_000);
    // Twelve short waits: the poll has grown to about 40 ms (less on a loaded machine).
    await quickWaits(env, words, 12);
    expect(await polls(env, words, clock)).toBe(true);
    // Waits that time out after 60 ms, beyond the 50 ms limit: each halves the poll, to none.
    for (let i = 0; i < 13; i++) expect(await env.waitForInterrupt(60)).toBe(0);
    expect(await polls(env, words, clock)).toBe(false);
  });

  it('stops polling, without hanging, when the host clock fails', async () => {
    const { env, words, clock } = await environment(50_000);
    await quickWaits(env, words, 12);
    clock.broken = true;
    // The failing clock cannot raise from a poll; with a poll of no length the VP announces its wait.
    const wait = env.waitForInterrupt(5000);
    expect(await announcedBefore(words, wait)).toBe(true);
    raise(words);
    expect(await wait).toBe(SINT_2);
  });

  it('does not poll while the host is overcommitted, and polls again once it is not', async () => {
    let overcommitted = 0;
    const { env, words, clock } = await environment(50_000, undefined, () => overcommitted);
    await quickWaits(env, words, 12);
    expect(await polls(env, words, clock)).toBe(true);
    overcommitted = 1;
    for (let i = 0; i < 3; i++) expect(await polls(env, words, clock)).toBe(false);
    // No longer overcommitted: the poll it had grown is there again.
    overcommitted = 0;
    expect(await polls(env, words, clock)).toBe(true);
  });

  it('does not poll when the host load cannot be read', async () => {
    let broken = false;
    const { env, words, clock } = await environment(50_000, undefined, () => {
      if (broken) throw new Error('no control block');
      return 0;
    });
    await quickWaits(env, words, 12);
    broken = true;
    expect(await polls(env, words, clock)).toBe(false);
  });

  it('with halt polling off, sleeps at once: a bit set without a wake-up waits for the timeout', async () => {
    const { env, words, clock } = await environment(0);
    await quickWaits(env, words, 8);
    expect(await polls(env, words, clock)).toBe(false);
    const started = performance.now();
    const wait = env.waitForInterrupt(200);
    expect(Atomics.load(words, WAITING)).toBe(1);
    Atomics.or(words, PENDING, SINT_2);
    expect(await wait).toBe(SINT_2);
    expect(performance.now() - started).toBeGreaterThanOrEqual(190);
  });
});
