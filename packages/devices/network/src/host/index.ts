/**
 * `@tsvisor/network/host`: the host side of networking — the virtual switch.
 * @packageDocumentation
 */
export * from './switch/index.js';
