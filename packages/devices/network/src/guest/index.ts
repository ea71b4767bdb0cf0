/**
 * `@tsvisor/network/guest`: the guest side of networking — the netvsc driver (its default export
 * contributes it to the guest kernel) with its {@link NetworkAdapter} device, and a small IP stack
 * (ARP, IPv4, ICMP echo, UDP sockets) over any frame link. Guest-safe.
 * @packageDocumentation
 */
import { VscDriverContribution } from '@tsvisor/device-sdk/guest';
import { ContainerModule } from 'inversify';
import { NetvscDriver } from './netvsc/netvsc-driver.js';

export default new ContainerModule(({ bind }) => {
  bind(VscDriverContribution).toConstantValue(new NetvscDriver());
});

export {
  NetvscDriver,
  NETVSC_DEFAULT_RECEIVE_BUFFER_SIZE,
  NETVSC_MIN_RECEIVE_BUFFER_SIZE,
  NETVSC_DEFAULT_SEND_BUFFER_SIZE,
  NETVSC_MIN_SEND_BUFFER_SIZE,
  type NetvscDriverOptions,
} from './netvsc/netvsc-driver.js';
export { NetworkAdapter, type NetvscBuffers, type RndisReply } from './netvsc/network-adapter.js';
export { NetvscBringUpError } from './netvsc/netvsc-bring-up-error.js';
export { emptyNetvscCounters, type NetvscCounters } from './netvsc/netvsc-counters.js';
export * from './ip/index.js';
