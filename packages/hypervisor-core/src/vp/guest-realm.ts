import vm from 'node:vm';
import type { GuestImage } from '../guest-image/guest-image.js';
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

  const bootstrap = new vm.Script(`(${guestBootstrap.toString()})`, {
    filename: 'tsvisor:guest-bootstrap',
    importModuleDynamically: refuseImport as never,
  }).runInContext(context) as typeof guestBootstrap;
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
    (code) => exits.halt(typeof code === 'number' ? code : 0),
    (reason) => exits.fault(typeof reason === 'string' ? reason.slice(0, MAX_REASON_LENGTH) : 'guest fault'),
  );
  const guestExports = new vm.Script(`${image.source}\n;${image.exportsName}`, {
    filename: `guest:${image.name}`,
    importModuleDynamically: refuseImport as never,
  }).runInContext(context);
  launch(guestExports);
}
