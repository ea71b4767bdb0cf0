import { readFileSync } from 'node:fs';
import type { VpEnvironment } from '../../guest.js';

/** Test guest: imports a Node built-in statically (refused when the image is built). */
export default async function main(_vp: VpEnvironment): Promise<number> {
  return readFileSync('/etc/passwd').length;
}
