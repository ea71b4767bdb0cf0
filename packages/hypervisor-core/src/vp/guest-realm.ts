import { performance } from 'node:perf_hooks';
import vm from 'node:vm';
import type { GuestImage } from '../guest-image/guest-image.js';
import type { HostLoadProbe } from '../host-load/host-load-probe.js';
import { guestBootstrap } from './guest-bootstrap.js';
import type { HypercallHandler } from './hypercall-handler.js';
import type { VpLayout } from './vp-protocol.js';

/** Longest fault reason a guest may hand the host. */
const MAX_REASON_LENGTH = 4096;

/** How a guest realm reports that its entry finished or failed. */
export interface GuestRealmExits {
  halt(code: number): void;
  fault(reason: string): void;
}

/**
 * Creates the restricted realm a VP runs guest code in, evaluates the guest image there and
 * starts its default export. The realm is a `vm` context with a null-prototype global (so
 * `this.constructor` leads to nothing of the host's), no string code generation, and
 * `import()` refused with an error of the guest's own realm. The only host-made things the
 * guest can reach are its memory (re-prototyped into the realm) and closures over
 * number-only hypercalls.
 */
export function startGuestRealm(
  memory: SharedArrayBuffer,
  layout: VpLayout,
  image: GuestImage,
  hypercalls: HypercallHandler,
  exits: GuestRealmExits,
  /** Asked before the VP halt-polls: it does not poll on an overcommitted host. */
  hostLoad: HostLoadProbe,
): void {
  const context = vm.createContext(Object.create(null), {
    name: `${image.name} vp${layout.vpIndex}`,
    codeGeneration: { strings: false, wasm: true },
  });
  const refuseImport = (): never => {
    throw vm.runInContext(`new TypeError('import() is not available to guest code')`, context);
  };
  const realmGlobal = vm.runInContext('globalThis', context) as { SharedArrayBuffer: { prototype: object } };
  Object.setPrototypeOf(memory, realmGlobal.SharedArrayBuffer.prototype);

  const builtins = realmBuiltins(context);
  const bootstrap = runWithBuiltins(builtins, context, `return (${guestBootstrap.toString()});`, 'tsvisor:guest-bootstrap', refuseImport) as typeof guestBootstrap;
  const launch = bootstrap(
    memory,
    JSON.stringify(layout),
    (gpa) => hypercalls.postMessage(gpa),
    (connectionId, flag) => hypercalls.signalEvent(connectionId, flag),
    () => hypercalls.eom(),
    () => {
      hypercalls.checkpoint();
      return 0;
    },
    () => performance.now(),
    () => (hostLoad.overcommitted() ? 1 : 0),
    (code) => exits.halt(typeof code === 'number' ? code : 0),
    (reason) => exits.fault(typeof reason === 'string' ? reason.slice(0, MAX_REASON_LENGTH) : 'guest fault'),
  );
  const guestExports = runWithBuiltins(builtins, context, `${image.source}\n;return ${image.exportsName};`, `guest:${image.name}`, refuseImport);
  launch(guestExports);
}

/** The realm's built-ins by name, and their values. */
interface RealmBuiltins {
  readonly names: readonly string[];
  readonly values: readonly unknown[];
}

/**
 * The standard built-ins of the realm (`Math`, `Atomics`, `DataView`, `Number`, `RangeError`…): every
 * global whose value is an object or a function, but `eval` and `globalThis`. Guest code gets them
 * as parameters of the function it runs in: a global looked up in a `vm` context goes through the
 * context's interceptor (about 40 ns a lookup, never inlined), a parameter is a local slot — writing
 * a 44-byte packet header with `Number.isInteger` checks went from 150 ns to 15 ns.
 */
function realmBuiltins(context: vm.Context): RealmBuiltins {
  const names = vm.runInContext(
    `Object.getOwnPropertyNames(globalThis).filter((name) => name !== 'eval' && name !== 'globalThis' && /^[A-Za-z_$][\\w$]*$/.test(name) && (typeof globalThis[name] === 'function' || (typeof globalThis[name] === 'object' && globalThis[name] !== null)))`,
    context,
  ) as string[];
  const realmGlobal = vm.runInContext('globalThis', context) as Record<string, unknown>;
  return { names: [...names], values: names.map((name) => realmGlobal[name]) };
}

/**
 * Runs `body` in the realm as the body of a function whose parameters are the realm's built-ins
 * (see {@link realmBuiltins}) and returns what it returns. The wrapper adds one line before the
 * body; `lineOffset` keeps the guest's stack traces on its own line numbers.
 */
function runWithBuiltins(builtins: RealmBuiltins, context: vm.Context, body: string, filename: string, refuseImport: () => never): unknown {
  const wrapper = new vm.Script(`(function (${builtins.names.join(', ')}) {\n${body}\n})`, {
    filename,
    lineOffset: -1,
    importModuleDynamically: refuseImport as never,
  }).runInContext(context) as (...values: unknown[]) => unknown;
  return wrapper(...builtins.values);
}
