import type { VpEnvironment } from '../../guest.js';
import { postText, receiveMessage } from '../guest-messaging.js';

/**
 * Test guest: for each message "m <id>" or "s <id>" it receives on SINT 2, posts to or
 * signals connection <id> and reports the status on connection 1 as "<m|s> <id> <status>".
 */
export default async function main(vp: VpEnvironment): Promise<number> {
  postText(vp, 1, 1, 'ready');
  for (;;) {
    await vp.waitForInterrupt();
    for (let message = receiveMessage(vp, 2); message; message = receiveMessage(vp, 2)) {
      const [verb, id] = message.text.split(' ');
      const connectionId = Number(id);
      const status = verb === 'm' ? postText(vp, connectionId, 5, 'probe') : vp.signalEvent(connectionId, 0);
      postText(vp, 1, 2, `${verb} ${connectionId} ${status}`);
    }
  }
}
