import { ContainerModule } from 'inversify';
import { BundlingGuestImageLoader } from './guest-image/bundling-guest-image-loader.js';
import { GuestImageLoader } from './guest-image/guest-image.js';
import { Hypervisor } from './hypervisor.js';
import { BundlingVpRuntimeSource } from './vp/bundling-vp-runtime-source.js';
import { VpRuntimeSource } from './vp/vp-runtime-source.js';

/**
 * Binds the {@link Hypervisor} (a singleton), the default {@link GuestImageLoader} and the
 * default {@link VpRuntimeSource}. A later module can `rebind` the loader or the runtime source
 * (to prebuilt ones where no bundler may run) or bind `HypervisorOptions` to change the limits.
 */
export const hypervisorModule = new ContainerModule(({ bind }) => {
  bind(GuestImageLoader).to(BundlingGuestImageLoader).inSingletonScope();
  bind(VpRuntimeSource).to(BundlingVpRuntimeSource).inSingletonScope();
  bind(Hypervisor).toSelf().inSingletonScope();
});
