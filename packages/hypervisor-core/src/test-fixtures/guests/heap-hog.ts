import type { VpEnvironment } from '../../guest.js';

/** Test guest: allocates without bound. */
export default async function main(_vp: VpEnvironment): Promise<number> {
  const hoard: number[][] = [];
  for (;;) hoard.push(new Array(100_000).fill(hoard.length));
}
