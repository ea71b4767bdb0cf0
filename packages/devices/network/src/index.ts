/**
 * `@tsvisor/network`: networking for tsvisor (PROTOCOLS.md §4). The shared entry holds the wire
 * formats; the host side (`@tsvisor/network/host`) the virtual switch; the guest side
 * (`@tsvisor/network/guest`) a small IP stack for guest programs.
 * @packageDocumentation
 */
export * from './protocol/index.js';
