import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it } from 'vitest';
import type { VpEnvironment } from '../guest-environment.js';
import { VpAssistPage } from '../synic/synic-layout.js';
import { guestBootstrap } from './guest-bootstrap.js';

const ASSIST_GPA = 4096;
const PENDING = (ASSIST_GPA + VpAssistPage.pendingInterrupts) / 4;
const WAITING = (ASSIST_GPA + VpAssistPage.waiting) / 4;
const SINT_2 = 1 << 2;

let workers: Worker[] = [];
afterEach(async () => {
  await Promise.all(workers.map((worker) => worker.terminate()));
  workers = [];
});

/**
 * The environment the bootstrap gives a guest, made here in the host realm (the function is
 * self-contained), over 16 KiB of memory with the VP assist page at 4 KiB.
 */
async function environment(
  haltPollUs: number,
  now: () => number = () => performance.now(),
  overcommitted: () => number = () => 0,
): Promise<{ env: VpEnvironment; words: Int32Array }> {
  const memory = new SharedArrayBuffer(16384);
  const layout = JSON.stringify({ vpIndex: 0, vpCount: 1, memorySize: 16384, reservedFirstGpa: 4096, simpGpa: 8192, siefpGpa: 12288, vpAssistGpa: ASSIST_GPA, hypercallInputGpa: 0, haltPollUs });
  const ok = (): number => 0;
  const launch = guestBootstrap(memory, layout, ok, ok, ok, ok, now, overcommitted, () => undefined, () => undefined);
  const env = await new Promise<VpEnvironment>((resolve) => launch({ default: (vp: VpEnvironment) => new Promise(() => resolve(vp)) }));
  return { env, words: new Int32Array(memory) };
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

/** The host side of a raise: the SINT's bit, then a wake-up only for a VP that announced its wait. */
function raise(words: Int32Array): void {
  Atomics.or(words, PENDING, SINT_2);
  if (Atomics.compareExchange(words, WAITING, 1, 0) === 1) Atomics.notify(words, PENDING);
}

/**
 * A thread that, once `go` is set and `when` holds, raises SINT 2 the way the host does (the bit,
 * then a notify only if the VP announced its wait) and reports whether it had to notify.
 * `when`: `soon` waits 1 ms; `announced` waits for the VP's announcement, then 5 ms more.
 */
function raiser(words: Int32Array, go: Int32Array, when: 'soon' | 'announced'): { notified: Promise<boolean> } {
  const worker = new Worker(
    `const { workerData: { memory, go, when }, parentPort } = require('node:worker_threads');
     const words = new Int32Array(memory);
     const flag = new Int32Array(go);
     parentPort.once('message', () => {
       while (Atomics.load(flag, 0) === 0);
       const until = Date.now() + (when === 'soon' ? 1 : 10000);
       while (Date.now() < until && (when === 'soon' || Atomics.load(words, ${WAITING}) === 0));
       // Announced: let the VP get past its second look and into its sleep.
       const settled = Date.now() + (when === 'soon' ? 0 : 5);
       while (Date.now() < settled);
       Atomics.or(words, ${PENDING}, ${SINT_2});
       const notified = when === 'soon' && Atomics.compareExchange(words, ${WAITING}, 1, 0) === 1;
       if (notified) Atomics.notify(words, ${PENDING});
       parentPort.postMessage(notified);
     });
     parentPort.postMessage('ready');`,
    { eval: true, workerData: { memory: words.buffer, go: go.buffer, when } },
  );
  workers.push(worker);
  const ready = new Promise((resolve) => worker.once('message', resolve));
  const notified = ready.then(() => {
    const answer = new Promise<boolean>((resolve) => worker.once('message', resolve));
    worker.postMessage('start');
    return answer;
  });
  return { notified };
}

describe('halt polling in waitForInterrupt', () => {
  it('once waits have been short, takes an interrupt that comes while it polls, without announcing a wait or being woken', async () => {
    // A thread preempted for longer than the poll could make one try miss: any of five will do.
    const caught: boolean[] = [];
    for (let attempt = 0; attempt < 5 && !caught.includes(true); attempt++) {
      const { env, words } = await environment(20_000);
      // Eleven short waits: the poll has grown from 10 µs to about 10 ms.
      await quickWaits(env, words, 11);
      const go = new Int32Array(new SharedArrayBuffer(8));
      const { notified } = raiser(words, go, 'soon');
      await new Promise((resolve) => setTimeout(resolve, 50));
      Atomics.store(go, 0, 1);
      expect(await env.waitForInterrupt(5000)).toBe(SINT_2);
      caught.push(!(await notified));
      expect(Atomics.load(words, WAITING)).toBe(0);
    }
    expect(caught).toContain(true);
  });

  it('announces its wait after polling in vain, and a raise wakes it', async () => {
    const { env, words } = await environment(1000);
    await quickWaits(env, words, 4);
    const wait = env.waitForInterrupt(5000);
    // Polling runs before the first await: the announcement is there when the call returns.
    expect(Atomics.load(words, WAITING)).toBe(1);
    raise(words);
    expect(await wait).toBe(SINT_2);
    expect(Atomics.load(words, WAITING)).toBe(0);
  });

  it('stops polling when waits last longer than the limit', async () => {
    // A main thread preempted between the start signal and its announcement could let one try's
    // raise find no announcement: any of three will do.
    const notifiedAny: boolean[] = [];
    for (let attempt = 0; attempt < 3 && !notifiedAny.includes(true); attempt++) {
      const { env, words } = await environment(50_000);
      // Twelve short waits: the poll has grown to about 40 ms.
      await quickWaits(env, words, 12);
      // Waits that time out after 60 ms, beyond the 50 ms limit: each halves the poll, to none.
      for (let i = 0; i < 13; i++) expect(await env.waitForInterrupt(60)).toBe(0);
      // A raise 1 ms after the wait began finds the VP asleep (it did not poll), so it wakes it.
      const go = new Int32Array(new SharedArrayBuffer(8));
      const { notified } = raiser(words, go, 'soon');
      await new Promise((resolve) => setTimeout(resolve, 50));
      Atomics.store(go, 0, 1);
      expect(await env.waitForInterrupt(5000)).toBe(SINT_2);
      notifiedAny.push(await notified);
    }
    expect(notifiedAny).toContain(true);
  });

  it('stops polling, without hanging, when the host clock fails', async () => {
    let broken = false;
    const { env, words } = await environment(50_000, () => {
      if (broken) throw new Error('no clock');
      return performance.now();
    });
    // Short waits grow the poll to about 40 ms; then the clock fails.
    await quickWaits(env, words, 12);
    broken = true;
    expect(await raisesSoon(env, words, 3, true)).toContain(true);
  });

  it('does not poll while the host is overcommitted, and polls again once it is not', async () => {
    let overcommitted = 0;
    const { env, words } = await environment(50_000, undefined, () => overcommitted);
    // Short waits grow the poll to about 40 ms; then the host becomes overcommitted.
    await quickWaits(env, words, 12);
    overcommitted = 1;
    // A raise 1 ms after the wait began finds the VP asleep (it did not poll), so it wakes it.
    expect(await raisesSoon(env, words, 3, true)).toContain(true);
    // No longer overcommitted: the poll it had grown is there again and takes the raise.
    overcommitted = 0;
    expect(await raisesSoon(env, words, 5, false)).toContain(false);
  });

  it('does not poll when the host load cannot be read', async () => {
    let broken = false;
    const { env, words } = await environment(50_000, undefined, () => {
      if (broken) throw new Error('no control block');
      return 0;
    });
    await quickWaits(env, words, 12);
    broken = true;
    expect(await raisesSoon(env, words, 3, true)).toContain(true);
  });

  it('with halt polling off, sleeps at once: a bit set without a wake-up waits for the timeout', async () => {
    const { env, words } = await environment(0);
    await quickWaits(env, words, 8);
    expect(await raisesSoon(env, words, 3, true)).toContain(true);
    await expectSleepsAtOnce(env, words);
  });
});

/**
 * Waits for SINT 2 that a thread raises 1 ms after the wait began, up to `tries` times, until the
 * raise did (`wakes`) or did not have to wake the VP (it had announced its wait rather than
 * polling): a preempted thread can make one try look like the other. Returns what the tries said.
 */
async function raisesSoon(env: VpEnvironment, words: Int32Array, tries: number, wakes: boolean): Promise<boolean[]> {
  const notified: boolean[] = [];
  for (let attempt = 0; attempt < tries; attempt++) {
    const go = new Int32Array(new SharedArrayBuffer(8));
    const raise = raiser(words, go, 'soon');
    await new Promise((resolve) => setTimeout(resolve, 50));
    Atomics.store(go, 0, 1);
    expect(await env.waitForInterrupt(5000)).toBe(SINT_2);
    notified.push(await raise.notified);
    if (notified[attempt] === wakes) break;
  }
  return notified;
}

/**
 * Has a thread set SINT 2's bit without a wake-up as soon as the VP announced its wait: a VP that
 * went to sleep at once takes it only when its 300 ms timeout ends.
 */
async function expectSleepsAtOnce(env: VpEnvironment, words: Int32Array): Promise<void> {
  const go = new Int32Array(new SharedArrayBuffer(8));
  const { notified } = raiser(words, go, 'announced');
  await new Promise((resolve) => setTimeout(resolve, 50));
  Atomics.store(go, 0, 1);
  const started = Date.now();
  const wait = env.waitForInterrupt(300);
  expect(Atomics.load(words, WAITING)).toBe(1);
  expect(await notified).toBe(false);
  expect(await wait).toBe(SINT_2);
  expect(Date.now() - started).toBeGreaterThanOrEqual(290);
}
