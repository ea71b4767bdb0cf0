/**
 * `@tsvisor/network/host`: the host side of networking — the virtual switch, the host's switch
 * directory, the synthetic NIC's VSP (netvsp) and its management provider.
 * @packageDocumentation
 */
import { ManagementProviderContribution, VirtualSwitchManagementContribution, VspFactoryContribution } from '@tsvisor/device-sdk/host';
import { ContainerModule } from 'inversify';
import { NetworkManagementProvider } from './management/network-management-provider.js';
import { NetworkVspFactory } from './netvsp/network-vsp-factory.js';
import { LocalSwitchDirectory } from './switch-directory/local-switch-directory.js';
import { SwitchDirectory } from './switch-directory/switch-directory.js';
import { VirtualSwitchService } from './switch-management/virtual-switch-service.js';
import { SwitchPortServer } from './switch-port-link/switch-port-server.js';

/**
 * The host module of `@tsvisor/network`: one {@link LocalSwitchDirectory} for the whole host
 * (every in-process VM shares its switches), bound as the {@link SwitchDirectory} (a host build
 * may rebind it), the host's virtual switch management service over it, the switch port server
 * through which adapters of VMs in worker processes of their own reach those switches, the
 * `network.synthetic` VSP factory and its management provider.
 */
export default new ContainerModule(({ bind }) => {
  bind(LocalSwitchDirectory).toSelf().inSingletonScope();
  bind(SwitchDirectory).toService(LocalSwitchDirectory);
  bind(VirtualSwitchService).toSelf().inSingletonScope();
  bind(VirtualSwitchManagementContribution).toService(VirtualSwitchService);
  bind(SwitchPortServer).toSelf().inSingletonScope();
  bind(NetworkVspFactory).toSelf().inSingletonScope();
  bind(VspFactoryContribution).toService(NetworkVspFactory);
  bind(NetworkManagementProvider).toSelf().inSingletonScope();
  bind(ManagementProviderContribution).toService(NetworkManagementProvider);
});

export * from './switch/index.js';
export { SwitchDirectory, type SwitchPortHandle } from './switch-directory/switch-directory.js';
export { LocalSwitchDirectory, type SwitchSummary } from './switch-directory/local-switch-directory.js';
export { UnknownSwitchError } from './switch-directory/unknown-switch-error.js';
export { VirtualSwitchService } from './switch-management/virtual-switch-service.js';
export { SwitchPortServer } from './switch-port-link/switch-port-server.js';
export { RemoteSwitchDirectory } from './switch-port-link/remote-switch-directory.js';
export { SwitchPortRefusedError } from './switch-port-link/switch-port-refused-error.js';
export { switchPortEndpoint, type SwitchPortEndpoint, type SwitchPortGrant } from './switch-port-link/switch-port-grant.js';
export { adapterPortOptions } from './netvsp/adapter-port-options.js';
export { NetworkVsp, type NetworkAdapterSettings, type NetworkVspOptions } from './netvsp/network-vsp.js';
export { NetworkVspFactory } from './netvsp/network-vsp-factory.js';
export { NetvspChannel, NETVSP_VERSIONS, NETVSP_CONTROL_BACKLOG, netvspSlotSize, type NetvspAdapter } from './netvsp/netvsp-channel.js';
export { NetvspReceiveBuffer, NETVSP_MAX_BATCH, NETVSP_SLOT_BASE } from './netvsp/netvsp-receive-buffer.js';
export { RndisControl, NETVSP_SUPPORTED_OIDS, NETVSP_LINK_SPEED, type RndisAdapterState, type RndisControlOutcome } from './netvsp/rndis-control.js';
export { emptyNetvspCounters, type NetvspCounters } from './netvsp/netvsp-counters.js';
export { adapterMacAddress, HYPER_V_OUI } from './netvsp/adapter-mac-address.js';
export { mapGuestBuffer } from './netvsp/guest-buffer-mapping.js';
export { NetworkManagementProvider } from './management/network-management-provider.js';
