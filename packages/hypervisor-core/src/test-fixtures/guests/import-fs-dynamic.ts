import type { VpEnvironment } from '../../guest.js';

/** Test guest: imports a Node built-in at run time, from a name the bundler cannot see. */
export default async function main(_vp: VpEnvironment): Promise<number> {
  const name = ['node', 'fs'].join(':');
  const fs = (await import(/* @vite-ignore */ name)) as { readFileSync(path: string): Uint8Array };
  return fs.readFileSync('/etc/passwd').length;
}
