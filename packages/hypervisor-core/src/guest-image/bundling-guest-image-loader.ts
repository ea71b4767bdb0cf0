import type { Plugin } from 'esbuild';
import { injectable } from 'inversify';
import { isBuiltin } from 'node:module';
import { basename } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GuestImageError, type GuestImage, type GuestImageLoader } from './guest-image.js';

const EXPORTS_NAME = '__tsvisorGuestExports';

/**
 * Refuses Node built-ins: guest code has no host APIs, and saying so at build time beats a
 * confusing failure inside the guest.
 */
const refuseHostModules: Plugin = {
  name: 'tsvisor-refuse-host-modules',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /.*/ }, (args) =>
      isBuiltin(args.path)
        ? { errors: [{ text: `guest code cannot import the host module '${args.path}'` }] }
        : undefined,
    );
  },
};

/**
 * The default {@link GuestImageLoader}: bundles the entry module and its imports (TypeScript
 * or JavaScript, resolved with the `@tsvisor/source` condition so workspace packages load
 * from source) into one script with esbuild. esbuild spawns a child process, so this cannot
 * run under Node's permission model; use a {@link PrebuiltGuestImageLoader} there.
 */
@injectable()
export class BundlingGuestImageLoader implements GuestImageLoader {
  async load(entry: string): Promise<GuestImage> {
    const path = entry.startsWith('file:') ? fileURLToPath(entry) : entry;
    try {
      // Imported here so that a process that never bundles never loads esbuild.
      const { build } = await import('esbuild');
      const result = await build({
        entryPoints: [path],
        bundle: true,
        write: false,
        format: 'iife',
        globalName: EXPORTS_NAME,
        platform: 'neutral',
        target: 'es2023',
        mainFields: ['module', 'main'],
        conditions: ['@tsvisor/source', 'import', 'default'],
        plugins: [refuseHostModules],
        logLevel: 'silent',
        legalComments: 'none',
      });
      const output = result.outputFiles[0];
      if (!output) throw new GuestImageError(entry, ['the bundler produced no output']);
      return { name: basename(path), source: output.text, exportsName: EXPORTS_NAME };
    } catch (error) {
      if (error instanceof GuestImageError) throw error;
      const problems = (error as { errors?: { text: string; location?: { file: string; line: number } | null }[] }).errors;
      throw new GuestImageError(
        entry,
        problems?.length
          ? problems.map((p) => (p.location ? `${p.location.file}:${p.location.line}: ${p.text}` : p.text))
          : [String(error)],
      );
    }
  }
}
