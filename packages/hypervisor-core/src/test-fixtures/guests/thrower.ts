import type { VpEnvironment } from '../../guest.js';

/** Test guest: fails at once. */
export default async function main(_vp: VpEnvironment): Promise<number> {
  throw new Error('guest gave up on purpose');
}
