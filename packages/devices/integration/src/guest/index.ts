import { VscDriverContribution } from '@tsvisor/device-sdk/guest';
import { ContainerModule } from 'inversify';
import { HeartbeatDriver } from './heartbeat-driver.js';
import { KvpDriver } from './kvp-driver.js';
import { ShutdownDriver } from './shutdown-driver.js';
import { TimeSyncDriver } from './timesync-driver.js';

/**
 * `@tsvisor/integration/guest`: the guest side of the integration services. The default export
 * contributes each VSC driver to the SDK's `VscDriverContribution` for the guest kernel.
 * @packageDocumentation
 */
export default new ContainerModule(({ bind }) => {
  bind(VscDriverContribution).toConstantValue(new HeartbeatDriver());
  bind(VscDriverContribution).toConstantValue(new ShutdownDriver());
  bind(VscDriverContribution).toConstantValue(new TimeSyncDriver());
  bind(VscDriverContribution).toConstantValue(new KvpDriver());
});

export { HeartbeatDriver, type HeartbeatDevice } from './heartbeat-driver.js';
export { ShutdownDriver, type ShutdownDevice, type ShutdownRequestEvent } from './shutdown-driver.js';
export { IcServiceDriver, type IcDriverCounters } from './ic-service-driver.js';
export { TimeSyncDriver, type GuestClock, type GuestTimeSample } from './timesync-driver.js';
export { KvpDriver, KvpPoolFullError, INTEGRATION_SERVICES_VERSION, KVP_DEFAULT_POOL_CAPACITY, type GuestKvp, type GuestKvpInput, type KvpDriverOptions } from './kvp-driver.js';
