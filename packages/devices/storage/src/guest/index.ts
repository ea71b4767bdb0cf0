import { VscDriverContribution } from '@tsvisor/device-sdk/guest';
import { ContainerModule } from 'inversify';
import { StorvscDriver } from './storvsc-driver.js';

/**
 * `@tsvisor/storage/guest`: the storvsc driver. The default export contributes it to the SDK's
 * `VscDriverContribution` for the guest kernel. Guest-safe.
 * @packageDocumentation
 */
export default new ContainerModule(({ bind }) => {
  bind(VscDriverContribution).toConstantValue(new StorvscDriver());
});

export { StorvscDriver, DEFAULT_IO_PAGES, DEFAULT_SUB_CHANNELS, type StorvscDriverOptions } from './storvsc-driver.js';
export { StorvscController, type BlockDeviceChange } from './storvsc-controller.js';
export { StorvscChannel, type StorvscProperties, type SrbData, type SrbResult } from './storvsc-channel.js';
export { SrbRequest, type SrbRequestOwner } from './srb-request.js';
export { StorvscQueues, STORVSC_MAX_IN_FLIGHT } from './storvsc-queues.js';
export { ScsiBlockDevice, type BlockDeviceIdentity } from './scsi-block-device.js';
export { ScsiCommandError } from './scsi-command-error.js';
export { IoPagePool, GUEST_PAGE_SIZE, type IoPages } from './io-page-pool.js';
