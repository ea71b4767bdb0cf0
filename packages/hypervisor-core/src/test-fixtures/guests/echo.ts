import type { VpEnvironment } from '../../guest.js';
import { postText, receiveMessage } from '../guest-messaging.js';

/**
 * Test guest: announces itself on connection 1, then echoes every message that arrives on
 * SINT 2 back to connection 1 until one with type 99 arrives.
 */
export default async function main(vp: VpEnvironment): Promise<number> {
  postText(vp, 1, 1, `hello from vp${vp.vpIndex}`);
  for (;;) {
    const sints = await vp.waitForInterrupt();
    if ((sints & (1 << 2)) === 0) continue;
    for (let message = receiveMessage(vp, 2); message; message = receiveMessage(vp, 2)) {
      if (message.type === 99) return 7;
      postText(vp, 1, message.type, `echo:${message.text}`);
    }
  }
}
