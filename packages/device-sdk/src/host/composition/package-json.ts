import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { PluginManifestError } from './plugin-manifest-error.js';

/** A package.json as read from disk: a JSON object whose fields are still unchecked. */
export type PackageJson = { readonly [field: string]: unknown };

/**
 * Reads `packageDir/package.json`.
 * @throws {@link PluginManifestError} (named by the directory) if it is missing, not JSON, or not an object.
 */
export async function readPackageJson(packageDir: string): Promise<PackageJson> {
  let text: string;
  try {
    text = await readFile(join(packageDir, 'package.json'), 'utf8');
  } catch (error) {
    throw new PluginManifestError(packageDir, '', `cannot be read: ${(error as Error).message}`, { cause: error });
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new PluginManifestError(packageDir, '', `is not valid JSON: ${(error as Error).message}`, { cause: error });
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new PluginManifestError(packageDir, '', 'is not a JSON object');
  }
  return parsed as PackageJson;
}

/**
 * The name a package goes by in messages: its `name`, or its directory when it has none.
 * @internal
 */
export function packageNameOf(packageJson: PackageJson, packageDir: string): string {
  return typeof packageJson['name'] === 'string' && packageJson['name'] !== '' ? packageJson['name'] : packageDir;
}
