import type { VpEnvironment } from '../../guest.js';
import { postText } from '../guest-messaging.js';

/** Test guest: says it is spinning, then never yields again. */
export default async function main(vp: VpEnvironment): Promise<number> {
  postText(vp, 1, 1, 'spinning');
  for (;;) {
    // a tight loop without hypercalls
  }
}
