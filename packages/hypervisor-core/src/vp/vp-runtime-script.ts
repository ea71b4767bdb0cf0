import { build } from 'esbuild';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let runtime: Promise<URL> | undefined;

/**
 * The VP thread's entry script, bundled once per process into a `data:` URL. Bundling lets
 * the same code start VPs whether this package runs from its TypeScript sources or its build.
 */
export function vpRuntimeScript(): Promise<URL> {
  runtime ??= bundleRuntime().catch((error: unknown) => {
    runtime = undefined;
    throw error;
  });
  return runtime;
}

async function bundleRuntime(): Promise<URL> {
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
  return new URL(`data:text/javascript;base64,${Buffer.from(text).toString('base64')}`);
}
