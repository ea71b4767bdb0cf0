import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';

/** `bench-results/` under the working directory (the repository root under `npm run bench`), created if missing. */
export async function benchResultsDir(): Promise<string> {
  const dir = join(process.cwd(), 'bench-results');
  await mkdir(dir, { recursive: true });
  return dir;
}
