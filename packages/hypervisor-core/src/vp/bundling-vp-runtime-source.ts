import { injectable } from 'inversify';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { PrebuiltVpRuntimeSource } from './prebuilt-vp-runtime-source.js';
import type { VpRuntimeSource } from './vp-runtime-source.js';

/**
 * Bundles the VP runtime with esbuild into one ES module's JavaScript text. Bundling lets the
 * same code start VPs whether this package runs from its TypeScript sources or its build.
 * esbuild spawns a child process, so this cannot run under Node's permission model; feed its
 * result to a {@link PrebuiltVpRuntimeSource} there.
 */
export async function bundleVpRuntime(): Promise<string> {
  // Imported here so that a process that never bundles never loads esbuild.
  const { build } = await import('esbuild');
  const here = fileURLToPath(import.meta.url);
  const result = await build({
    entryPoints: [join(dirname(here), `vp-runtime${extname(here)}`)],
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    conditions: ['@tsvisor/source'],
    logLevel: 'silent',
  });
  const text = result.outputFiles[0]?.text;
  if (text === undefined) throw new Error('bundling the VP runtime produced no output');
  return text;
}

/**
 * The default {@link VpRuntimeSource}: bundles the VP runtime with {@link bundleVpRuntime}
 * once per process, on first use; a failed bundle is retried on the next call.
 */
@injectable()
export class BundlingVpRuntimeSource implements VpRuntimeSource {
  private static bundled: Promise<URL> | undefined;

  script(): Promise<URL> {
    BundlingVpRuntimeSource.bundled ??= bundleVpRuntime()
      .then((source) => new PrebuiltVpRuntimeSource(source).script())
      .catch((error: unknown) => {
        BundlingVpRuntimeSource.bundled = undefined;
        throw error;
      });
    return BundlingVpRuntimeSource.bundled;
  }
}
