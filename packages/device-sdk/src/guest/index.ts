/**
 * `@tsvisor/device-sdk/guest`: the guest side of device plugins: VSC drivers, their
 * contribution token, and the sub-channel bookkeeping guest kernels and test beds share. Guest-safe.
 * @packageDocumentation
 */
export { VscDriverContribution, type VscContext, type VscDriver } from './vsc-driver.js';
export { SimpleVscDriver } from './simple-vsc-driver.js';
export { SubChannels, SubChannelsUnavailableError, MAX_SUB_CHANNELS, type SubChannelBus } from './sub-channels.js';
export type { GuestOffer } from '@tsvisor/vmbus';
