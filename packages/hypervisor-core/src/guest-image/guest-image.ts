import type { ServiceIdentifier } from 'inversify';

/**
 * A guest image: one self-contained script (the guest entry module and everything it
 * imports, bundled) that a VP evaluates inside its guest realm. Evaluating `source` leaves
 * the module's exports in the realm's global named `exportsName`.
 */
export interface GuestImage {
  /** Shown in stack traces and fault reasons. */
  readonly name: string;
  readonly source: string;
  readonly exportsName: string;
}

/** Turns the guest entry module named in a partition spec into a {@link GuestImage}. */
export interface GuestImageLoader {
  load(entry: string): Promise<GuestImage>;
}

/** Inversify token of the {@link GuestImageLoader} a {@link Hypervisor} uses. */
export const GuestImageLoader: ServiceIdentifier<GuestImageLoader> = Symbol.for('@tsvisor/hypervisor-core/GuestImageLoader');

/** The guest entry module could not be made into an image (missing, bad syntax, forbidden import). */
export class GuestImageError extends Error {
  override readonly name = 'GuestImageError';

  constructor(
    /** The entry module asked for. */
    readonly entry: string,
    /** What went wrong, one line per problem. */
    readonly problems: readonly string[],
  ) {
    super(`cannot build a guest image from ${entry}:\n  ${problems.join('\n  ')}`);
  }
}
