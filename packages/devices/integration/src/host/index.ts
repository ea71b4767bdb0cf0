import { VspFactoryContribution } from '@tsvisor/device-sdk/host';
import { ContainerModule } from 'inversify';
import { HeartbeatVspFactory } from './heartbeat-vsp.js';
import { KvpVspFactory } from './kvp-vsp.js';
import { ShutdownVspFactory } from './shutdown-vsp.js';
import { TimeSyncVspFactory } from './timesync-vsp.js';

/**
 * `@tsvisor/integration/host`: the host side of the integration services. The default export
 * binds each VSP factory to its own class (so that a host build can `rebind` it) and contributes
 * it to the SDK's `VspFactoryContribution`.
 * @packageDocumentation
 */
export default new ContainerModule(({ bind }) => {
  bind(HeartbeatVspFactory).toSelf().inSingletonScope();
  bind(VspFactoryContribution).toService(HeartbeatVspFactory);
  bind(ShutdownVspFactory).toSelf().inSingletonScope();
  bind(VspFactoryContribution).toService(ShutdownVspFactory);
  bind(TimeSyncVspFactory).toSelf().inSingletonScope();
  bind(VspFactoryContribution).toService(TimeSyncVspFactory);
  bind(KvpVspFactory).toSelf().inSingletonScope();
  bind(VspFactoryContribution).toService(KvpVspFactory);
});

export { HeartbeatVsp, HeartbeatVspFactory, type HeartbeatStatus } from './heartbeat-vsp.js';
export { ShutdownVsp, ShutdownVspFactory, type ShutdownOptions, type ShutdownOutcome } from './shutdown-vsp.js';
export { IcServiceVsp, type IcServiceCounters } from './ic-service-vsp.js';
export { IcSession } from './ic-session.js';
export { IntegrationServiceUnavailableError } from './service-unavailable-error.js';
export { TimeSyncVsp, TimeSyncVspFactory, type HostClock, type TimeSyncCounters } from './timesync-vsp.js';
export { KvpVsp, KvpVspFactory, KvpRequestError, KVP_MAX_ENUMERATED_RECORDS, KVP_MAX_QUEUED_REQUESTS, type KvpInput, type KvpRequestFailure, type KvpRequestErrorDetails } from './kvp-vsp.js';
