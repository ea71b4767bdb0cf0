/** The body of `POST /images`: a new disk image. Sizes in bytes or as text (`"10G"`); paths absolute. */
export interface ImageCreationBody {
  readonly path: string;
  /** `vhdx`, `vhd`, `raw`, or a format a plugin of the daemon's host adds. */
  readonly format: string;
  readonly size: number | string;
  readonly fixed?: boolean;
  /** For a differencing image: its parent. */
  readonly parent?: string;
  readonly blockSize?: number | string;
}

/** The body of `POST /images/convert`. */
export interface ImageConversionBody {
  readonly source: string;
  readonly destination: string;
  /** The new image's format. */
  readonly to: string;
  readonly fixed?: boolean;
}
