/**
 * `@tsvisor/network/guest`: the guest side of networking — a small IP stack (ARP, IPv4, ICMP
 * echo, UDP sockets) over any frame link.
 * @packageDocumentation
 */
export * from './ip/index.js';
