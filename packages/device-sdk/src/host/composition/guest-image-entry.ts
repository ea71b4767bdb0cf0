import { existsSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEFAULT_ENTRY_CONDITIONS, resolvePackageEntry } from './package-entry-resolver.js';
import { locatePackage } from './plugin-discovery.js';

/** What a VM's guest image is made of. */
export interface GuestImageParts {
  /** Path of the guest program: an ES module whose default export is `async (machine) => …`. */
  readonly program: string;
  /** Paths of the plugins' guest modules (each default-exports an Inversify ContainerModule), in load order. */
  readonly guestModules: readonly string[];
  /** Path of the guest kernel's entry; default {@link guestKernelEntry}. */
  readonly kernelEntry?: string;
}

/**
 * Writes `<dir>/guest-entry.ts`, the entry module of a VM's guest image: it boots the guest kernel
 * (`bootGuest`) with the plugins' guest modules and the program. Bundle it into the image with the
 * hypervisor's guest image loader. Returns the file's path.
 */
export async function writeGuestImageEntry(dir: string, parts: GuestImageParts): Promise<string> {
  const kernel = parts.kernelEntry ?? (await guestKernelEntry());
  const entry = join(dir, 'guest-entry.ts');
  const modules = parts.guestModules.map((module, i) => `import module${i} from ${JSON.stringify(module)};`);
  await writeFile(
    entry,
    [
      `import { bootGuest } from ${JSON.stringify(kernel)};`,
      `import program from ${JSON.stringify(parts.program)};`,
      ...modules,
      `export default (vp) => bootGuest(vp, { program, modules: [${parts.guestModules.map((_, i) => `module${i}`).join(', ')}] });`,
      '',
    ].join('\n'),
  );
  return entry;
}

/**
 * The guest kernel's entry file: `@tsvisor/guest` as found from this package, its TypeScript
 * sources when they are there (a workspace), else its build. The SDK cannot import the kernel
 * (it is a layer above), so it is found at run time.
 */
export async function guestKernelEntry(): Promise<string> {
  const packageDir = await locatePackage('@tsvisor/guest', dirname(fileURLToPath(import.meta.url)));
  if (!packageDir) throw new Error('building a guest image needs @tsvisor/guest (the guest kernel) installed, or a kernelEntry');
  const source = await resolvePackageEntry(packageDir, '.', ['@tsvisor/source', ...DEFAULT_ENTRY_CONDITIONS]);
  return existsSync(source) ? source : resolvePackageEntry(packageDir, '.');
}
