import { VscDriverContribution } from '@tsvisor/device-sdk/guest';
import { StorvscDriver } from '@tsvisor/storage/guest';
import { ContainerModule } from 'inversify';

/**
 * Guest module of the storage suite's poll figure: the storvsc driver with its channel in poll
 * mode, in place of the package's default (interrupt-driven) one.
 */
export default new ContainerModule(({ bind }) => {
  bind(VscDriverContribution).toConstantValue(new StorvscDriver({ poll: true }));
});
