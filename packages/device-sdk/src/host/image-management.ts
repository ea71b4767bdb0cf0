import type { ServiceIdentifier } from 'inversify';

/**
 * A disk image as {@link ImageManagementService.info} describes it (Hyper-V's `Get-VHD`). Sizes are
 * in bytes.
 */
export interface ImageInfo {
  /** The image file, as given. */
  readonly path: string;
  /** Its format, detected from its content: `raw`, `vhd`, `vhdx`, or one a plugin adds. */
  readonly format: string;
  /** The size of the disk the guest sees. */
  readonly virtualSize: number;
  /** The size of the file on the host. */
  readonly fileSize: number;
  /** Whether the image holds its whole virtual size (a fixed image) rather than growing as written. */
  readonly fixed: boolean;
  /** For a dynamic image, the unit it allocates in, where its format says. */
  readonly blockSize?: number;
  /** The guest's logical sector size: 512 or 4096. */
  readonly sectorSize: number;
  /** For a differencing image, its parent's path, where its format says. */
  readonly parent?: string;
}

/** A new image, as {@link ImageManagementService.create} makes it. */
export interface ImageCreation {
  /** The name of a format of {@link ImageManagementService.formats}. */
  readonly format: string;
  /** The virtual size: a whole number of sectors. */
  readonly sizeBytes: number;
  /** Allocate the whole size now; default a dynamic (sparse) image. */
  readonly fixed?: boolean;
  /** A differencing image over this parent image, for formats that have them. */
  readonly parent?: string;
  /** The allocation unit of a dynamic image; each format has its default. */
  readonly blockSizeBytes?: number;
}

/** What {@link ImageManagementService.convert} makes of its source. */
export interface ImageConversion {
  /** The destination's format. */
  readonly to: string;
  /** Make the destination a fixed image; default a dynamic one. */
  readonly fixed?: boolean;
}

/** The outcome of {@link ImageManagementService.check}. */
export interface ImageCheckResult {
  /** True when the image opened and read through without a problem. */
  readonly ok: boolean;
  /** Each problem found, one line each; empty when `ok`. */
  readonly problems: string[];
}

/**
 * Disk image operations of the host (Hyper-V's `Msvm_ImageManagementService`): the VMMS offers
 * them to its clients (`tsvisor disk …`), a storage plugin provides them by binding one to
 * {@link ImageManagementContribution}. Paths are host paths. Failures reject with an error whose
 * message names the image and the field or structure at fault.
 */
export interface ImageManagementService {
  /** The names of the formats images can be created in and converted to. */
  formats(): string[];
  /** Creates a new image at `path` (which must not exist) and describes it. */
  create(path: string, creation: ImageCreation): Promise<ImageInfo>;
  /** Describes the image at `path`, its format detected from its content. */
  info(path: string): Promise<ImageInfo>;
  /**
   * Copies the disk of the image at `source` into a new image at `destination` (which must not
   * exist), reporting the fraction done (0 to 1) through `progress`. Stops and rejects with the
   * signal's reason when `signal` aborts; `destination` appears only when the copy is complete.
   */
  convert(source: string, destination: string, conversion: ImageConversion, progress: (fraction: number) => void, signal: AbortSignal): Promise<ImageInfo>;
  /** Opens the image at `path`, validating its structures, and reads it through. */
  check(path: string): Promise<ImageCheckResult>;
}

/**
 * Where a plugin contributes the host's {@link ImageManagementService}:
 * `bind(ImageManagementContribution).toService(MyImageService)`. At most one may be bound.
 */
export const ImageManagementContribution: ServiceIdentifier<ImageManagementService> = Symbol.for('@tsvisor/device-sdk/ImageManagement');
