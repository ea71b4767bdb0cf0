import type { Channel } from '@tsvisor/device-sdk';
import { Subject, type Observable } from 'rxjs';
import { shutdownClass } from '../classes/shutdown-class.js';
import { IcMessageType } from '../protocol/icmsg-header.js';
import { SHUTDOWN_VERSIONS, answerShutdown, readShutdownRequest, type ShutdownRequest } from '../protocol/shutdown.js';
import { IcServiceDriver, type IcDriverCounters } from './ic-service-driver.js';

/** A shutdown request the host made, for the guest program to answer once. */
export interface ShutdownRequestEvent extends ShutdownRequest {
  /** Agrees: the host is told at once; the program should then end (return from its main). */
  accept(): void;
  /** Refuses. */
  veto(): void;
}

/** The guest's shutdown device. With no subscriber to `requests$`, requests are accepted at once. */
export interface ShutdownDevice {
  /** The host's requests; answer each with `accept()` or `veto()` within its `timeoutSeconds`. */
  readonly requests$: Observable<ShutdownRequestEvent>;
  /** Whether a request has been accepted: the program should wind down. */
  readonly accepted: boolean;
  readonly counters: IcDriverCounters;
}

interface ShutdownDeviceState extends ShutdownDevice {
  readonly subject: Subject<ShutdownRequestEvent>;
  accepted: boolean;
}

/** The guest side of the shutdown service. */
export class ShutdownDriver extends IcServiceDriver<ShutdownDevice> {
  readonly deviceClass = shutdownClass;
  protected readonly serviceVersions = SHUTDOWN_VERSIONS;
  protected readonly messageType = IcMessageType.SHUTDOWN;

  protected createDevice(_channel: Channel, counters: IcDriverCounters): ShutdownDevice {
    const subject = new Subject<ShutdownRequestEvent>();
    const state: ShutdownDeviceState = { subject, requests$: subject.asObservable(), accepted: false, counters };
    return state;
  }

  protected answer(device: ShutdownDevice, request: Uint8Array): Promise<Uint8Array> {
    const state = device as ShutdownDeviceState;
    const typed = readShutdownRequest(request);
    if (!state.subject.observed) {
      state.accepted = true;
      return Promise.resolve(answerShutdown(request, true));
    }
    return new Promise((resolve) => {
      let answered = false;
      const decide = (accept: boolean): void => {
        if (answered) return;
        answered = true;
        if (accept) state.accepted = true;
        resolve(answerShutdown(request, accept));
      };
      state.subject.next({ ...typed, accept: () => decide(true), veto: () => decide(false) });
    });
  }
}
