import { resolvePackageEntry, writeGuestImageEntry, type HostComposition } from '@tsvisor/device-sdk/host';
import { BundlingGuestImageLoader, bundleVpRuntime, type GuestImage } from '@tsvisor/hypervisor-core';
import { mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

/**
 * Builds what a worker needs but must not build itself (it may not run the bundler): the guest
 * image of a program — the guest kernel, every plugin's guest module and the program — and the
 * VP runtime script. Images are cached per program until its file changes.
 */
export class VmImageBuilder {
  readonly #composition: Pick<HostComposition, 'manifests' | 'conditions'>;
  readonly #workDir: string;
  readonly #loader = new BundlingGuestImageLoader();
  readonly #images = new Map<string, { readonly mtimeMs: number; readonly image: Promise<GuestImage> }>();
  #guestModules: Promise<string[]> | undefined;
  #vpRuntime: Promise<string> | undefined;
  #dir: Promise<string> | undefined;

  /**
   * @param composition - The host's plugins: their guest entries go into every image.
   * @param workDir - Where generated entry files go (a temporary directory inside it).
   */
  constructor(composition: Pick<HostComposition, 'manifests' | 'conditions'>, workDir: string) {
    this.#composition = composition;
    this.#workDir = workDir;
  }

  /** The guest image running `program` (an absolute path, or relative to the working directory). */
  async image(program: string): Promise<GuestImage> {
    const path = resolve(program);
    const { mtimeMs } = await stat(path);
    const cached = this.#images.get(path);
    if (cached && cached.mtimeMs === mtimeMs) return cached.image;
    const image = this.#build(path);
    this.#images.set(path, { mtimeMs, image });
    image.catch(() => this.#images.delete(path));
    return image;
  }

  /** The VP runtime script's source, bundled once. */
  vpRuntime(): Promise<string> {
    this.#vpRuntime ??= bundleVpRuntime();
    return this.#vpRuntime;
  }

  /** Removes the generated files. */
  async close(): Promise<void> {
    if (this.#dir) await rm(await this.#dir, { recursive: true, force: true });
  }

  async #build(program: string): Promise<GuestImage> {
    this.#dir ??= mkdir(this.#workDir, { recursive: true }).then(() => mkdtemp(join(this.#workDir, 'guest-images-')));
    const dir = await mkdtemp(join(await this.#dir, 'image-'));
    const entry = await writeGuestImageEntry(dir, { program, guestModules: await this.#guestModuleFiles() });
    return this.#loader.load(entry);
  }

  #guestModuleFiles(): Promise<string[]> {
    const { manifests, conditions } = this.#composition;
    this.#guestModules ??= Promise.all(
      manifests.flatMap((manifest) => (manifest.guest === undefined ? [] : [resolvePackageEntry(manifest.packageDir, manifest.guest, conditions)])),
    );
    return this.#guestModules;
  }
}
