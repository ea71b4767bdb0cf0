import { ContainerModule } from 'inversify';
import { BundlingGuestImageLoader } from './guest-image/bundling-guest-image-loader.js';
import { GuestImageLoader } from './guest-image/guest-image.js';
import { Hypervisor } from './hypervisor.js';

/**
 * Binds the {@link Hypervisor} (a singleton) and the default {@link GuestImageLoader}. A later
 * module can `rebind` the loader or bind `HypervisorOptions` to change the limits.
 */
export const hypervisorModule = new ContainerModule(({ bind }) => {
  bind(GuestImageLoader).to(BundlingGuestImageLoader).inSingletonScope();
  bind(Hypervisor).toSelf().inSingletonScope();
});
