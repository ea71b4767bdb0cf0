import { open, type FileHandle } from 'node:fs/promises';
import type { ServiceIdentifier } from 'inversify';
import type { DiskFormat, OpenDiskOptions, VirtualDisk } from './virtual-disk.js';

/**
 * Contribution point for image formats: each plugin's host module binds its formats here
 * (`bind(DiskFormatContribution).toConstantValue(format)`); the host multi-injects them into a
 * {@link DiskFormatRegistry}.
 */
export const DiskFormatContribution: ServiceIdentifier<DiskFormat> = Symbol.for('@tsvisor/storage/DiskFormat');

/** Bytes from the start of a file that formats are probed with. */
const HEAD_SIZE = 64 * 1024;
/** Bytes from the end of a file that formats are probed with. */
const TAIL_SIZE = 512;
/** The format that matches any file, tried last. */
const RAW = 'raw';

/**
 * The image formats a host knows: finds a format by name (`tsvisor disk create --format vhdx`) or
 * recognizes an image by its content.
 */
export class DiskFormatRegistry {
  readonly #formats = new Map<string, DiskFormat>();
  readonly #raw: DiskFormat;

  /**
   * @param formats - The formats bound to {@link DiskFormatContribution}, in the order they are
   *   probed; one of them is `raw`, the fallback.
   * @throws {@link TypeError} if a value is not a format, two share a name, or none is `raw`.
   */
  constructor(formats: Iterable<DiskFormat>) {
    for (const format of formats) {
      // Plugins are JavaScript: check what was bound before trusting its shape.
      const { name, probe, open, create } = (format ?? {}) as Partial<DiskFormat>;
      if (typeof name !== 'string' || typeof probe !== 'function' || typeof open !== 'function' || typeof create !== 'function') {
        throw new TypeError('a value bound to DiskFormatContribution is not a DiskFormat (it needs name, probe, open and create)');
      }
      if (this.#formats.has(name)) throw new TypeError(`two disk formats are named "${name}"`);
      this.#formats.set(name, format);
    }
    const raw = this.#formats.get(RAW);
    if (raw === undefined) throw new TypeError('no disk format is named "raw": detection needs it as the fallback');
    this.#raw = raw;
  }

  /** The names of the formats, in the order they are probed (raw last). */
  get names(): string[] {
    return [...this.#formats.keys()].filter((name) => name !== RAW).concat(RAW);
  }

  /**
   * The format called `name`.
   * @throws {@link RangeError} naming the known formats if there is none.
   */
  byName(name: string): DiskFormat {
    const format = this.#formats.get(name);
    if (format === undefined) throw new RangeError(`unknown disk format "${name}"; known: ${this.names.join(', ')}`);
    return format;
  }

  /**
   * The format of the image at `path`: the first format other than raw whose `probe` accepts the
   * file's first 64 KiB and last 512 bytes, else raw.
   */
  async detect(path: string): Promise<DiskFormat> {
    const file = await open(path, 'r');
    try {
      const { size } = await file.stat();
      const head = await readAt(file, 0, Math.min(HEAD_SIZE, size));
      const tail = await readAt(file, Math.max(0, size - TAIL_SIZE), Math.min(TAIL_SIZE, size));
      for (const format of this.#formats.values()) {
        if (format !== this.#raw && format.probe(head, tail, size)) return format;
      }
      return this.#raw;
    } finally {
      await file.close();
    }
  }

  /** Opens the image at `path` with the format {@link DiskFormatRegistry.detect} finds. */
  async open(path: string, options?: OpenDiskOptions): Promise<VirtualDisk> {
    return (await this.detect(path)).open(path, options);
  }
}

/** Up to `length` bytes at `position`: fewer if the file is shorter than it was at `stat`. */
async function readAt(file: FileHandle, position: number, length: number): Promise<Uint8Array> {
  const bytes = new Uint8Array(length);
  let done = 0;
  while (done < length) {
    const { bytesRead } = await file.read(bytes, done, length - done, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return bytes.subarray(0, done);
}
