import type { DeviceManagement, GuestShutdownOutcome, GuestShutdownRequest, ManagementProvider } from '@tsvisor/device-sdk/host';
import { shutdownClass } from '../../classes/shutdown-class.js';
import { SHUTDOWN_MESSAGE_CHARS } from '../../protocol/shutdown.js';
import type { ShutdownVsp } from '../shutdown-vsp.js';

/** Resolves with `answer`, or with `no-answer` as soon as `signal` aborts. */
function answerUnlessAborted(answer: Promise<GuestShutdownOutcome>, signal: AbortSignal): Promise<GuestShutdownOutcome> {
  return new Promise((resolve, reject) => {
    const stopWaiting = (): void => resolve('no-answer');
    signal.addEventListener('abort', stopWaiting, { once: true });
    answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', stopWaiting));
  });
}

/**
 * Management of `integration.shutdown` devices: a guest-assisted shutdown (or, with `restart`, a
 * restart) is a shutdown-service request whose message is the reason (cut to the
 * {@link SHUTDOWN_MESSAGE_CHARS} the message field holds), answered within the device's
 * `timeoutSeconds`. The outcome is the VSP's: `accepted`, `vetoed`, or `no-answer` when the guest
 * does not answer in time. Aborting `signal` stops the wait with `no-answer` (a request already
 * sent stays with the guest, which may still act on it); an already aborted signal sends nothing.
 * Rejects with `IntegrationServiceUnavailableError` when the guest has not opened the service.
 */
export class ShutdownManagementProvider implements ManagementProvider<ShutdownVsp> {
  readonly classId = shutdownClass.id;

  manage(vsp: ShutdownVsp): DeviceManagement {
    return {
      shutdown: async ({ reason, restart, signal }: GuestShutdownRequest): Promise<GuestShutdownOutcome> => {
        if (signal.aborted) return 'no-answer';
        const answer = vsp.requestShutdown({ action: restart ? 'restart' : 'power-off', message: reason.slice(0, SHUTDOWN_MESSAGE_CHARS) });
        return answerUnlessAborted(answer, signal);
      },
    };
  }
}
