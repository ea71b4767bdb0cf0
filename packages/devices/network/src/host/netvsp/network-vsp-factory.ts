import type { DeviceHostGrantLease, DeviceHostGrantRequest, VspContext, VspFactory } from '@tsvisor/device-sdk/host';
import { inject, injectable, optional } from 'inversify';
import { networkSyntheticClass, type NetworkAdapterConfig } from '../../network-class.js';
import { SwitchDirectory } from '../switch-directory/switch-directory.js';
import { RemoteSwitchDirectory } from '../switch-port-link/remote-switch-directory.js';
import { switchPortEndpoint } from '../switch-port-link/switch-port-grant.js';
import { SwitchPortServer } from '../switch-port-link/switch-port-server.js';
import { adapterPortOptions } from './adapter-port-options.js';
import { NetworkVsp } from './network-vsp.js';

/**
 * Makes the {@link NetworkVsp} of each `network.synthetic` adapter. In the host process its port
 * is on the host's {@link SwitchDirectory}; for a VM in a worker process of its own, the host grants
 * the port first ({@link grantHostAccess}, through the {@link SwitchPortServer}) and the VSP in the
 * worker reaches it with the grant ({@link RemoteSwitchDirectory}).
 */
@injectable()
export class NetworkVspFactory implements VspFactory<NetworkAdapterConfig> {
  readonly deviceClass = networkSyntheticClass;

  constructor(
    @inject(SwitchDirectory) private readonly directory: SwitchDirectory,
    @inject(SwitchPortServer) @optional() private readonly portServer?: SwitchPortServer,
  ) {}

  create(context: VspContext<NetworkAdapterConfig>): NetworkVsp {
    const endpoint = switchPortEndpoint(context.hostGrant);
    return new NetworkVsp(context, endpoint ? new RemoteSwitchDirectory(endpoint) : this.directory);
  }

  /**
   * Grants the adapter its port on its switch, with the settings its configuration gives (the
   * worker cannot choose others).
   * @throws UnknownSwitchError if the switch does not exist; an Error if this host serves no
   *   switch ports to worker processes.
   */
  async grantHostAccess({ config, instanceId, vmName }: DeviceHostGrantRequest<NetworkAdapterConfig>): Promise<DeviceHostGrantLease> {
    if (!this.portServer) throw new Error('this host has no switch port server: network adapters can run in-process only');
    const { socketPath, token, revoke } = await this.portServer.grant({ switchName: config.switch, options: adapterPortOptions(config, vmName, instanceId) });
    return { grant: { socketPath, token }, revoke };
  }
}
