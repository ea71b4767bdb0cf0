/**
 * `@acme/tsvisor-entropy`: a paravirtual entropy source for tsvisor (like virtio-rng): the
 * `acme.entropy` device class and its wire protocol. The host side is in `./host`, the guest side
 * in `./guest`; each entry's default export is the plugin's Inversify ContainerModule.
 * @packageDocumentation
 */
export * from './protocol/index.js';
export { entropyClass, type EntropyConfig } from './entropy-class.js';
