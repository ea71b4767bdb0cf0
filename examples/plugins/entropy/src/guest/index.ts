import { VscDriverContribution } from '@tsvisor/device-sdk/guest';
import { ContainerModule } from 'inversify';
import { EntropyDriver } from './entropy-driver.js';

/**
 * `@acme/tsvisor-entropy/guest`: the guest side of the entropy source. The default export
 * contributes the VSC driver to the SDK's `VscDriverContribution` for the guest kernel. Guest-safe.
 * @packageDocumentation
 */
export default new ContainerModule(({ bind }) => {
  bind(VscDriverContribution).toConstantValue(new EntropyDriver());
});

export { EntropyDriver, ENTROPY_REQUESTS_IN_FLIGHT, type EntropyDevice, type EntropyDriverOptions } from './entropy-driver.js';
