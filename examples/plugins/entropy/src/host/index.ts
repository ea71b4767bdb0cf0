import { VspFactoryContribution } from '@tsvisor/device-sdk/host';
import { ContainerModule } from 'inversify';
import { EntropyVspFactory } from './entropy-vsp.js';

/**
 * `@acme/tsvisor-entropy/host`: the host side of the entropy source. The default export binds the
 * VSP factory to its own class (so that a host build can `rebind` it) and contributes it to the
 * SDK's `VspFactoryContribution`.
 * @packageDocumentation
 */
export default new ContainerModule(({ bind }) => {
  bind(EntropyVspFactory).toSelf().inSingletonScope();
  bind(VspFactoryContribution).toService(EntropyVspFactory);
});

export { EntropyVsp, EntropyVspFactory, cryptoEntropyFill, type EntropyCounters, type EntropyFill } from './entropy-vsp.js';
export { TokenBucket } from './token-bucket.js';
