import type { VpEnvironment } from '../../guest.js';
import { postText } from '../guest-messaging.js';

interface CallSite {
  getFunction(): unknown;
  getThis(): unknown;
}

/**
 * Test guest: looks for every way out of its realm it knows and reports, on connection 1,
 * one message per finding and then "done <number of findings>".
 */
export default async function main(vp: VpEnvironment): Promise<number> {
  const findings: string[] = [];
  const g = globalThis as Record<string, unknown>;
  for (const name of ['process', 'require', 'module', 'fetch', 'Buffer', 'setTimeout', 'setInterval', 'queueMicrotask', 'BroadcastChannel', 'MessageChannel', 'TextDecoder', 'TextEncoder', 'WebSocket', 'XMLHttpRequest', 'performance', 'structuredClone']) {
    if (g[name] !== undefined) findings.push(`global ${name} is reachable`);
  }
  // Every object reachable from the realm's globals and the environment must be of this realm.
  const realmRoots = new Set<unknown>([Object.prototype, null]);
  const seen = new Set<unknown>();
  const queue: unknown[] = [globalThis, vp];
  let sharedBuffers = 0;
  while (queue.length > 0) {
    const value = queue.pop();
    if ((typeof value !== 'object' && typeof value !== 'function') || value === null || seen.has(value)) continue;
    seen.add(value);
    if (value instanceof SharedArrayBuffer) sharedBuffers++;
    let proto: unknown = value;
    let last: unknown = value;
    for (let depth = 0; proto !== null && depth < 64; depth++) {
      last = proto;
      proto = Object.getPrototypeOf(proto);
    }
    if (!realmRoots.has(last) && Object.getPrototypeOf(value) !== null) findings.push(`object of another realm reachable (${describe(value)})`);
    queue.push(Object.getPrototypeOf(value));
    for (const key of Reflect.ownKeys(value)) {
      const descriptor = Reflect.getOwnPropertyDescriptor(value, key);
      if (!descriptor) continue;
      queue.push(descriptor.value, descriptor.get, descriptor.set);
    }
  }
  if (sharedBuffers !== 1) findings.push(`${sharedBuffers} shared buffers reachable instead of 1`);
  if (vp.memory.constructor !== SharedArrayBuffer) findings.push('guest memory is not of this realm');
  // The classic escapes through a constructor's constructor.
  for (const [what, fn] of [
    ['globalThis.constructor', () => (globalThis as unknown as { constructor: { constructor: FunctionConstructor } }).constructor.constructor('return process')()],
    ['hypercall.constructor', () => (vp.postMessage.constructor as FunctionConstructor)('return process')()],
  ] as const) {
    try {
      fn();
      findings.push(`${what} evaluated code`);
    } catch (error) {
      if (!(error instanceof Error)) findings.push(`${what} threw an error of another realm`);
    }
  }
  try {
    await import(/* @vite-ignore */ ['node', 'fs'].join(':'));
    findings.push('import() loaded a host module');
  } catch (error) {
    if (!(error instanceof TypeError)) findings.push('import() failed with an error of another realm');
  }
  // Hypercalls with hostile arguments return statuses, never host errors.
  const hostile = { valueOf: () => { throw new RangeError('guest-made'); } };
  const statuses = [vp.postMessage(-8), vp.postMessage(Number.NaN), vp.postMessage(2 ** 60), vp.postMessage(3), vp.signalEvent(1, 5)];
  if (statuses.some((s) => typeof s !== 'number' || s === 0)) findings.push(`bad hypercalls returned ${statuses.join(',')}`);
  try {
    vp.postMessage(hostile as unknown as number);
  } catch (error) {
    if (!(error instanceof RangeError)) findings.push('a hostile argument surfaced an error of another realm');
  }
  // Stack frames below guest code must not hand out host functions or receivers.
  const errorConstructor = Error as unknown as { prepareStackTrace?: (error: Error, frames: CallSite[]) => unknown };
  errorConstructor.prepareStackTrace = (_error, frames) => frames;
  const frames = new Error('probe').stack as unknown as CallSite[];
  delete errorConstructor.prepareStackTrace;
  for (const frame of frames) {
    for (const leaked of [frame.getFunction(), frame.getThis()]) {
      if (leaked !== undefined && leaked !== globalThis && !(leaked instanceof Object)) findings.push('a stack frame leaked an object of another realm');
    }
  }
  for (const finding of findings) postText(vp, 1, 2, finding.slice(0, 200));
  postText(vp, 1, 1, `done ${findings.length}`);
  return 0;
}

function describe(value: unknown): string {
  try {
    return typeof value === 'function' ? `function ${(value as { name?: string }).name ?? ''}` : Object.prototype.toString.call(value);
  } catch {
    return 'opaque';
  }
}
