import type { VpEnvironment } from '../../guest.js';

declare const process: { exit(code: number): never };

/** Test guest: tries to end the host process. */
export default async function main(_vp: VpEnvironment): Promise<number> {
  process.exit(3);
}
