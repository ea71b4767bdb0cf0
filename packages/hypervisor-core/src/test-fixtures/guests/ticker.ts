import type { VpEnvironment } from '../../guest.js';
import { postText } from '../guest-messaging.js';

/** Test guest: posts a tick on connection 1 every millisecond or so, forever. */
export default async function main(vp: VpEnvironment): Promise<number> {
  for (let tick = 1; ; tick++) {
    postText(vp, 1, 1, `tick ${tick}`);
    await vp.waitForInterrupt(1);
  }
}
