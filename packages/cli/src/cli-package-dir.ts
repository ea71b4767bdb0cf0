import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The directory of this package's manifest, found by walking up from this module, so it holds
 * whether the CLI runs from `src/` or from `dist/`. It is the default host build of
 * `tsvisor host start`: the device plugins the daemon loads are the `@tsvisor/cli` dependencies.
 */
export function cliPackageDir(): string {
  const start = dirname(fileURLToPath(import.meta.url));
  for (let dir = start; ; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
    if (dirname(dir) === dir) throw new Error(`no package.json in ${start} or a directory above it`);
  }
}
