import { DEFAULT_ENTRY_CONDITIONS, locatePackage, resolvePackageEntry } from '@tsvisor/device-sdk/host';
import { fileURLToPath } from 'node:url';

/** The guest module (`<package>/guest`) of a device package, its TypeScript source in this workspace. */
export async function packageGuestModule(packageName: string): Promise<string> {
  const packageDir = await locatePackage(packageName, fileURLToPath(new URL('.', import.meta.url)));
  if (!packageDir) throw new Error(`${packageName} is not installed`);
  return resolvePackageEntry(packageDir, './guest', ['@tsvisor/source', ...DEFAULT_ENTRY_CONDITIONS]);
}
