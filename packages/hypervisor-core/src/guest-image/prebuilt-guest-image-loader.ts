import { GuestImageError, type GuestImage, type GuestImageLoader } from './guest-image.js';

/**
 * A {@link GuestImageLoader} serving images built ahead of time (for instance by a
 * {@link BundlingGuestImageLoader} in a parent process), so no bundler runs here. Entries
 * are looked up exactly as the partition spec names them.
 */
export class PrebuiltGuestImageLoader implements GuestImageLoader {
  private readonly images: ReadonlyMap<string, GuestImage>;

  /** @param images - the images by guest entry, as a map or a record. */
  constructor(images: ReadonlyMap<string, GuestImage> | Readonly<Record<string, GuestImage>>) {
    this.images = images instanceof Map ? new Map(images) : new Map(Object.entries(images));
  }

  /** The image prebuilt for `entry`; throws {@link GuestImageError} if there is none. */
  load(entry: string): Promise<GuestImage> {
    const image = this.images.get(entry);
    return image ? Promise.resolve(image) : Promise.reject(new GuestImageError(entry, ['no prebuilt image for this entry']));
  }
}
