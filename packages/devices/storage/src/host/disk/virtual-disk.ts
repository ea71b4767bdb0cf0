/**
 * A virtual disk as the storage VSP sees it, whatever the image format: a linear array of
 * logical sectors. Offsets and lengths are in bytes, multiples of `sectorSize`, within
 * `sizeBytes`; a backend checks them and throws a `RangeError` otherwise (the SCSI target turns
 * guest-supplied LBAs into offsets only after checking them, so this is the second line).
 *
 * `target`/`source` may be views of guest memory (a SharedArrayBuffer): backends read and write
 * them in place, never keeping them after the promise settles.
 */
export interface VirtualDisk {
  /** The image format, e.g. `raw`, `vhd`, `vhdx`. */
  readonly format: string;
  /** Virtual size in bytes (a multiple of `sectorSize`). */
  readonly sizeBytes: number;
  /** Logical sector size: 512 or 4096. */
  readonly sectorSize: number;
  /** Physical sector size, for the guest's alignment (≥ `sectorSize`). */
  readonly physicalSectorSize: number;
  /** Opened read-only: `write`, `unmap` reject. */
  readonly readOnly: boolean;
  /** Other files the disk reads (a differencing image's parents, nearest first); none when omitted. */
  readonly backingFiles?: readonly string[];
  /** Fills `target` with the bytes at `offset`; unallocated ranges read as zeros (or from the parent). */
  read(offset: number, target: Uint8Array): Promise<void>;
  /**
   * {@link VirtualDisk.read} done synchronously, when the backend can do it at once without
   * holding its caller up (the data in the page cache, nothing queued ahead of it): returns true
   * when `target` is filled, false (having done nothing) to say "call `read`". A fast path for
   * callers that complete without a promise; a backend without one leaves it out.
   * @throws What `read` rejects with.
   */
  readNow?(offset: number, target: Uint8Array): boolean;
  /** {@link VirtualDisk.write} done synchronously when it can be; see {@link VirtualDisk.readNow}. */
  writeNow?(offset: number, source: Uint8Array): boolean;
  /** Writes `source` at `offset`, allocating what the format needs. Durable only after {@link flush}. */
  write(offset: number, source: Uint8Array): Promise<void>;
  /** Makes every completed write durable (fsync of the file(s) and of format metadata). */
  flush(): Promise<void>;
  /** Deallocates the range where the format allows; reads of it return zeros afterwards. */
  unmap(offset: number, length: number): Promise<void>;
  /** Flushes and closes the image. */
  close(): Promise<void>;
}

/** How a disk image is opened. */
export interface OpenDiskOptions {
  readonly readOnly?: boolean;
}

/** A new disk image. */
export interface CreateDiskOptions {
  readonly sizeBytes: number;
  /** Allocate the whole size now (VHD/VHDX "fixed"); default a sparse/dynamic image. */
  readonly fixed?: boolean;
  /** A differencing image over this parent (formats that have them). */
  readonly parent?: string;
  /** Default 512. */
  readonly sectorSize?: 512 | 4096;
  /** Block size for dynamic images; each format has its default. */
  readonly blockSizeBytes?: number;
}

/**
 * An image format: recognizes its files by content, opens and creates them. Formats are
 * contributed to {@link DiskFormatContribution}; plugins may add their own.
 */
export interface DiskFormat {
  /** Short name, e.g. `vhdx` (used by `tsvisor disk create --format`). */
  readonly name: string;
  /**
   * Whether the file is of this format, judged from its first 64 KiB (`head`, shorter for small
   * files), its last 512 bytes (`tail`) and its size. Raw matches anything: it is tried last.
   */
  probe(head: Uint8Array, tail: Uint8Array, fileSize: number): boolean;
  open(path: string, options?: OpenDiskOptions): Promise<VirtualDisk>;
  create(path: string, options: CreateDiskOptions): Promise<void>;
}
