/**
 * `@tsvisor/device-sdk/guest`: the guest side of device plugins: VSC drivers and their
 * contribution token. Guest-safe.
 * @packageDocumentation
 */
export { VscDriverContribution, type VscContext, type VscDriver } from './vsc-driver.js';
export { SimpleVscDriver } from './simple-vsc-driver.js';
export type { GuestOffer } from '@tsvisor/vmbus';
