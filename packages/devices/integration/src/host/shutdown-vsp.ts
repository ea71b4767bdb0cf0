import type { VspContext, VspFactory } from '@tsvisor/device-sdk/host';
import { shutdownClass, type ShutdownConfig } from '../classes/shutdown-class.js';
import { IcMessageType } from '../protocol/icmsg-header.js';
import type { NegotiatedVersions } from '../protocol/ic-version.js';
import { SHUTDOWN_REASON_PLANNED, SHUTDOWN_VERSIONS, buildShutdownRequest, readShutdownResponse, type ShutdownAction } from '../protocol/shutdown.js';
import { aborted } from './abortable-wait.js';
import type { IcSession } from './ic-session.js';
import { IcServiceVsp } from './ic-service-vsp.js';
import { IntegrationServiceUnavailableError } from './service-unavailable-error.js';

/** Extra time the host waits beyond the guest's timeout before it calls a request unanswered. */
const ANSWER_MARGIN_MS = 2_000;

/** A guest-assisted shutdown to ask for; every field has a default. */
export interface ShutdownOptions {
  readonly action?: ShutdownAction;
  /** Proceed even if guest applications object. */
  readonly force?: boolean;
  /** Time the guest gets to accept or veto; default the device's `timeoutSeconds`. */
  readonly timeoutSeconds?: number;
  /** Text for the guest's users. */
  readonly message?: string;
}

/** How a shutdown request ended: the guest accepted (it is shutting down), vetoed, or did not answer in time. */
export type ShutdownOutcome = 'accepted' | 'vetoed' | 'no-answer';

/** The host side of the shutdown service: `requestShutdown` asks the guest to shut down or restart. */
export class ShutdownVsp extends IcServiceVsp<ShutdownConfig> {
  protected readonly serviceVersions = SHUTDOWN_VERSIONS;
  private queue: Promise<unknown> = Promise.resolve();
  private signal: AbortSignal | undefined;

  /**
   * Asks the guest to shut down (or restart, or hibernate) and resolves with its answer. Requests
   * are sent one at a time. Rejects with {@link IntegrationServiceUnavailableError} when the guest
   * has no negotiated channel open.
   */
  requestShutdown(options: ShutdownOptions = {}): Promise<ShutdownOutcome> {
    const next = this.queue.then(() => this.send(options));
    this.queue = next.catch(() => undefined);
    return next;
  }

  protected async serve(_session: IcSession, _versions: NegotiatedVersions, signal: AbortSignal): Promise<void> {
    this.signal = signal;
    await aborted(signal);
  }

  private async send(options: ShutdownOptions): Promise<ShutdownOutcome> {
    const session = this.currentSession;
    const versions = this.negotiated;
    const signal = this.signal;
    if (!session || !versions || !signal || signal.aborted) throw new IntegrationServiceUnavailableError(shutdownClass.id, 'not-connected');
    const timeoutSeconds = options.timeoutSeconds ?? this.context.config.timeoutSeconds;
    const answer = await this.ask(
      session,
      IcMessageType.SHUTDOWN,
      (id) =>
        buildShutdownRequest(
          versions,
          {
            action: options.action ?? 'power-off',
            force: options.force ?? false,
            reasonCode: SHUTDOWN_REASON_PLANNED,
            timeoutSeconds,
            message: options.message ?? '',
          },
          id,
        ),
      (bytes, id) => readShutdownResponse(bytes, id),
      timeoutSeconds * 1000 + ANSWER_MARGIN_MS,
      signal,
    );
    if (!answer) return 'no-answer';
    return answer.accepted ? 'accepted' : 'vetoed';
  }
}

/** Makes a {@link ShutdownVsp} per VM. */
export class ShutdownVspFactory implements VspFactory<ShutdownConfig> {
  readonly deviceClass = shutdownClass;

  create(context: VspContext<ShutdownConfig>): ShutdownVsp {
    return new ShutdownVsp(context);
  }
}
