import type { VspContext, VspFactory } from '@tsvisor/device-sdk/host';
import { BehaviorSubject, type Observable } from 'rxjs';
import { heartbeatClass, type HeartbeatConfig } from '../classes/heartbeat-class.js';
import { HEARTBEAT_VERSIONS, buildHeartbeatRequest, readHeartbeatResponse, type HeartbeatApplicationState } from '../protocol/heartbeat.js';
import { IcMessageType, IcStatus } from '../protocol/icmsg-header.js';
import type { NegotiatedVersions } from '../protocol/ic-version.js';
import { pause } from './abortable-wait.js';
import type { IcSession } from './ic-session.js';
import { IcServiceVsp } from './ic-service-vsp.js';

/**
 * What the host knows of the guest's health (the Hyper-V heartbeat states): `no-contact` until a
 * first answer, `ok` while answers come, `lost-communication` after `missedLimit` unanswered
 * requests in a row.
 */
export type HeartbeatStatus = 'no-contact' | 'ok' | 'lost-communication';

/** The host side of the heartbeat service: asks every `intervalMs` and tracks the status. */
export class HeartbeatVsp extends IcServiceVsp<HeartbeatConfig> {
  protected readonly serviceVersions = HEARTBEAT_VERSIONS;
  private readonly statusSubject = new BehaviorSubject<HeartbeatStatus>('no-contact');
  private sequence = 0n;
  /** The application state the guest reported last. */
  applicationState: HeartbeatApplicationState | undefined;
  /** The status and its changes. */
  readonly status$: Observable<HeartbeatStatus> = this.statusSubject.asObservable();

  get status(): HeartbeatStatus {
    return this.statusSubject.value;
  }

  protected async serve(session: IcSession, versions: NegotiatedVersions, signal: AbortSignal): Promise<void> {
    const { intervalMs, missedLimit } = this.context.config;
    let missed = 0;
    while (!signal.aborted) {
      const started = Date.now();
      const sequence = this.sequence;
      this.sequence = BigInt.asUintN(64, sequence + 1n);
      const answer = await this.ask(
        session,
        IcMessageType.HEARTBEAT,
        (id) => buildHeartbeatRequest(versions, sequence, id),
        (bytes, id) => readHeartbeatResponse(bytes, sequence, id),
        intervalMs,
        signal,
      );
      if (signal.aborted) break;
      if (answer && answer.status === IcStatus.S_OK) {
        missed = 0;
        this.applicationState = answer.applicationState;
        this.setStatus('ok');
      } else if (++missed >= missedLimit && this.status !== 'no-contact') {
        this.setStatus('lost-communication');
      }
      await pause(Math.max(0, intervalMs - (Date.now() - started)), signal);
    }
  }

  protected override async onStop(): Promise<void> {
    await super.onStop();
    this.statusSubject.complete();
  }

  private setStatus(status: HeartbeatStatus): void {
    if (this.statusSubject.value !== status) this.statusSubject.next(status);
  }
}

/** Makes a {@link HeartbeatVsp} per VM. */
export class HeartbeatVspFactory implements VspFactory<HeartbeatConfig> {
  readonly deviceClass = heartbeatClass;

  create(context: VspContext<HeartbeatConfig>): HeartbeatVsp {
    return new HeartbeatVsp(context);
  }
}
