import type { VspContext, VspFactory } from '@tsvisor/device-sdk/host';
import { inject, injectable } from 'inversify';
import { networkSyntheticClass, type NetworkAdapterConfig } from '../../network-class.js';
import { SwitchDirectory } from '../switch-directory/switch-directory.js';
import { NetworkVsp } from './network-vsp.js';

/** Makes the {@link NetworkVsp} of each `network.synthetic` adapter, on the host's {@link SwitchDirectory}. */
@injectable()
export class NetworkVspFactory implements VspFactory<NetworkAdapterConfig> {
  readonly deviceClass = networkSyntheticClass;

  constructor(@inject(SwitchDirectory) private readonly directory: SwitchDirectory) {}

  create(context: VspContext<NetworkAdapterConfig>): NetworkVsp {
    return new NetworkVsp(context, this.directory);
  }
}
