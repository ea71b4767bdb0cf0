import { resolvePackageEntry, type HostComposition } from '@tsvisor/device-sdk/host';
import { createHash } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Bundles the worker process's script: this package's worker body and every plugin's host module
 * in one ES module, so that the process, running under the permission model, reads exactly one
 * file of code and never needs the bundler or a TypeScript loader. Written to
 * `<workDir>/worker-<hash>.mjs`; returns its path.
 */
export async function bundleWorkerProgram(composition: Pick<HostComposition, 'manifests' | 'conditions'>, workDir: string): Promise<string> {
  const here = fileURLToPath(import.meta.url);
  const body = join(dirname(here), '..', 'process', `run-worker-process${extname(here)}`);
  const hostModules = await Promise.all(
    composition.manifests.flatMap((manifest) =>
      manifest.host === undefined ? [] : [resolvePackageEntry(manifest.packageDir, manifest.host, composition.conditions)],
    ),
  );
  const entrySource = [
    `import { runWorkerProcess } from ${JSON.stringify(body)};`,
    ...hostModules.map((file, i) => `import hostModule${i} from ${JSON.stringify(file)};`),
    `await runWorkerProcess([${hostModules.map((_, i) => `hostModule${i}`).join(', ')}]);`,
    '',
  ].join('\n');
  const { build } = await import('esbuild');
  const result = await build({
    stdin: { contents: entrySource, resolveDir: dirname(here), loader: 'ts', sourcefile: 'worker-entry.ts' },
    bundle: true,
    write: false,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    conditions: [...composition.conditions],
    // The worker never bundles (its images come prebuilt); leave the bundler out of its script.
    external: ['esbuild'],
    banner: { js: "import { createRequire as __tsvisorCreateRequire } from 'node:module'; const require = __tsvisorCreateRequire(import.meta.url);" },
    logLevel: 'silent',
    legalComments: 'none',
  });
  const text = result.outputFiles[0]?.text;
  if (text === undefined) throw new Error('bundling the worker program produced no output');
  await mkdir(workDir, { recursive: true });
  const file = join(workDir, `worker-${createHash('sha256').update(text).digest('hex').slice(0, 16)}.mjs`);
  await writeFile(file, text);
  return file;
}
