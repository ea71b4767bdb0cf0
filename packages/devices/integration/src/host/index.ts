import { ManagementProviderContribution, VspFactoryContribution } from '@tsvisor/device-sdk/host';
import { ContainerModule } from 'inversify';
import { HeartbeatVspFactory } from './heartbeat-vsp.js';
import { KvpVspFactory } from './kvp-vsp.js';
import { HeartbeatManagementProvider } from './management/heartbeat-management-provider.js';
import { KvpManagementProvider } from './management/kvp-management-provider.js';
import { ShutdownManagementProvider } from './management/shutdown-management-provider.js';
import { TimeSyncManagementProvider } from './management/timesync-management-provider.js';
import { ShutdownVspFactory } from './shutdown-vsp.js';
import { TimeSyncVspFactory } from './timesync-vsp.js';

/**
 * `@tsvisor/integration/host`: the host side of the integration services. The default export
 * binds each VSP factory and each management provider to its own class (so that a host build can
 * `rebind` it) and contributes them to the SDK's `VspFactoryContribution` and
 * `ManagementProviderContribution`.
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
  bind(HeartbeatManagementProvider).toSelf().inSingletonScope();
  bind(ManagementProviderContribution).toService(HeartbeatManagementProvider);
  bind(ShutdownManagementProvider).toSelf().inSingletonScope();
  bind(ManagementProviderContribution).toService(ShutdownManagementProvider);
  bind(TimeSyncManagementProvider).toSelf().inSingletonScope();
  bind(ManagementProviderContribution).toService(TimeSyncManagementProvider);
  bind(KvpManagementProvider).toSelf().inSingletonScope();
  bind(ManagementProviderContribution).toService(KvpManagementProvider);
});

export { HeartbeatVsp, HeartbeatVspFactory, type HeartbeatStatus } from './heartbeat-vsp.js';
export { ShutdownVsp, ShutdownVspFactory, type ShutdownOptions, type ShutdownOutcome } from './shutdown-vsp.js';
export { IcServiceVsp, type IcServiceCounters } from './ic-service-vsp.js';
export { IcSession } from './ic-session.js';
export { IntegrationServiceUnavailableError } from './service-unavailable-error.js';
export { TimeSyncVsp, TimeSyncVspFactory, type HostClock, type TimeSyncCounters } from './timesync-vsp.js';
export { KvpVsp, KvpVspFactory, KvpRequestError, KVP_MAX_ENUMERATED_RECORDS, KVP_MAX_QUEUED_REQUESTS, type KvpInput, type KvpRequestFailure, type KvpRequestErrorDetails } from './kvp-vsp.js';
export { HeartbeatManagementProvider } from './management/heartbeat-management-provider.js';
export { ShutdownManagementProvider } from './management/shutdown-management-provider.js';
export { TimeSyncManagementProvider } from './management/timesync-management-provider.js';
export { KvpManagementProvider, type KvpGetResult, type KvpDeleteResult, type KvpEnumerateResult } from './management/kvp-management-provider.js';
export type { KvpKeyInput, KvpSetInput, KvpPoolInput, KvpPoolName } from './management/kvp-operation-inputs.js';
export type { KvpRecordJson, KvpValueTypeName } from './management/kvp-record-json.js';
