import { randomUUID } from 'node:crypto';
import { access, link, rm, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { ImageCheckResult, ImageConversion, ImageCreation, ImageInfo, ImageManagementService } from '@tsvisor/device-sdk/host';
import { inject, injectable } from 'inversify';
import { DiskFormatRegistry } from '../disk/disk-format-registry.js';
import type { DiskFormat, VirtualDisk } from '../disk/virtual-disk.js';
import { copyDisk } from './disk-copy.js';
import { DiskImageExistsError } from './disk-image-exists-error.js';
import { readImageLayout } from './image-layout.js';

/** What `check` reads at a time. */
const CHECK_CHUNK_SIZE = 1024 * 1024;
/** A check stops listing unreadable ranges after this many: the image is broken either way. */
const MAX_PROBLEMS = 100;

/**
 * The host's disk image operations (`tsvisor disk …`, Hyper-V's `Msvm_ImageManagementService`)
 * over the formats of the {@link DiskFormatRegistry}: raw, VHD, VHDX and any a plugin adds.
 * Raw images count as fixed; whether a VHD or VHDX is fixed, its block size and its parent are
 * read from its own structures (see {@link readImageLayout}).
 */
@injectable()
export class DiskImageService implements ImageManagementService {
  constructor(@inject(DiskFormatRegistry) private readonly registry: DiskFormatRegistry) {}

  formats(): string[] {
    return this.registry.names;
  }

  /**
   * @throws {@link RangeError} for an unknown format, or a size or block size the format refuses.
   * @throws Node's `EEXIST` error if `path` exists.
   */
  async create(path: string, creation: ImageCreation): Promise<ImageInfo> {
    const format = this.registry.byName(creation.format);
    await format.create(path, {
      sizeBytes: creation.sizeBytes,
      ...(creation.fixed === undefined ? {} : { fixed: creation.fixed }),
      ...(creation.parent === undefined ? {} : { parent: creation.parent }),
      ...(creation.blockSizeBytes === undefined ? {} : { blockSizeBytes: creation.blockSizeBytes }),
    });
    return this.info(path);
  }

  async info(path: string): Promise<ImageInfo> {
    const format = await this.registry.detect(path);
    const disk = await format.open(path, { readOnly: true });
    try {
      const { size } = await stat(path);
      return { path, format: disk.format, virtualSize: disk.sizeBytes, fileSize: size, sectorSize: disk.sectorSize, ...(await readImageLayout(path, disk, size)) };
    } finally {
      await disk.close();
    }
  }

  /**
   * Copies into a temporary file beside `destination`, which becomes `destination` only once the
   * copy is complete and flushed; a failure or cancellation removes it.
   * @throws {@link DiskImageExistsError} if `destination` exists.
   * @throws {@link RangeError} for an unknown format, or a disk the destination format cannot hold.
   */
  async convert(
    source: string,
    destination: string,
    conversion: ImageConversion,
    progress: (fraction: number) => void,
    signal: AbortSignal,
  ): Promise<ImageInfo> {
    const format = this.registry.byName(conversion.to);
    if (await exists(destination)) throw new DiskImageExistsError(destination);
    signal.throwIfAborted();
    const input = await this.registry.open(source, { readOnly: true });
    const temporary = join(dirname(destination), `.${basename(destination)}.${randomUUID()}.partial`);
    try {
      await createAndFill(format, temporary, input, conversion.fixed ?? false, progress, signal);
      // A hard link, unlike a rename, never replaces a destination that appeared meanwhile.
      await link(temporary, destination);
    } finally {
      await rm(temporary, { force: true });
      await input.close();
    }
    return this.info(destination);
  }

  /**
   * Opening the image validates its structures (VHD footer and BAT, VHDX headers, log, metadata
   * and BAT); reading it through then finds what opening does not, a range at a time.
   * @throws Node's `ENOENT` error if there is no file at `path`.
   */
  async check(path: string): Promise<ImageCheckResult> {
    const format = await this.registry.detect(path);
    let disk: VirtualDisk;
    try {
      disk = await format.open(path, { readOnly: true });
    } catch (error) {
      return { ok: false, problems: [`does not open as ${format.name}: ${messageOf(error)}`] };
    }
    const problems: string[] = [];
    try {
      const chunk = new Uint8Array(Math.min(CHECK_CHUNK_SIZE, disk.sizeBytes));
      for (let offset = 0; offset < disk.sizeBytes && problems.length < MAX_PROBLEMS; offset += chunk.length) {
        const part = chunk.subarray(0, Math.min(chunk.length, disk.sizeBytes - offset));
        try {
          await disk.read(offset, part);
        } catch (error) {
          problems.push(`bytes ${offset} to ${offset + part.length - 1} do not read: ${messageOf(error)}`);
        }
      }
    } finally {
      await disk.close();
    }
    return { ok: problems.length === 0, problems };
  }
}

/** Creates an image of `format` at `path` as large as `input` and copies `input` into it. */
async function createAndFill(
  format: DiskFormat,
  path: string,
  input: VirtualDisk,
  fixed: boolean,
  progress: (fraction: number) => void,
  signal: AbortSignal,
): Promise<void> {
  await format.create(path, { sizeBytes: input.sizeBytes, fixed, ...(input.sectorSize === 4096 ? { sectorSize: 4096 } : {}) });
  const output = await format.open(path);
  try {
    await copyDisk(input, output, progress, signal);
    await output.flush();
  } finally {
    await output.close();
  }
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
