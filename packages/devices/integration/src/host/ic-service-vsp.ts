import type { Channel } from '@tsvisor/device-sdk';
import { SimpleVsp } from '@tsvisor/device-sdk/host';
import { ProtocolError } from '@tsvisor/wire';
import type { IcVersion, NegotiatedVersions } from '../protocol/ic-version.js';
import { IcMessageType } from '../protocol/icmsg-header.js';
import { IC_FRAMEWORK_VERSIONS, buildNegotiateRequest, readNegotiateResponse } from '../protocol/negotiate.js';
import { IcSession } from './ic-session.js';

/** How long the host waits for an answer to a negotiate request. */
const NEGOTIATE_TIMEOUT_MS = 5_000;

/** Counters every integration service keeps. */
export type IcServiceCounters = {
  /** Requests sent. */
  readonly requests: number;
  /** Guest messages rejected: malformed, unsolicited, or answering nothing. */
  readonly rejected: number;
  /** Requests the guest did not answer in time. */
  readonly timeouts: number;
  /** Negotiations that found no common version. */
  readonly unsupported: number;
};

/**
 * The host side of an integration service (PROTOCOLS.md §5): on each open of its channel it
 * negotiates the framework and service versions, then hands the session to {@link serve}. A guest
 * that offers no common version leaves the service idle (counted); a guest's malformed answers are
 * rejected and counted; none of it ever escapes to the host.
 */
export abstract class IcServiceVsp<Config> extends SimpleVsp<Config> {
  protected abstract readonly serviceVersions: readonly IcVersion[];
  private session: IcSession | undefined;
  private sent = 0;
  private lostSessions = { rejected: 0, timeouts: 0 };
  private unsupportedCount = 0;

  /** The versions negotiated on the open channel, if any. */
  protected negotiated: NegotiatedVersions | undefined;

  counters(): IcServiceCounters {
    return {
      requests: this.sent,
      rejected: this.lostSessions.rejected + (this.session?.rejected ?? 0),
      timeouts: this.lostSessions.timeouts + (this.session?.timeouts ?? 0),
      unsupported: this.unsupportedCount,
    };
  }

  protected async run(channel: Channel, signal: AbortSignal): Promise<void> {
    const session = new IcSession(channel);
    this.session = session;
    try {
      const offer = { frameworkVersions: IC_FRAMEWORK_VERSIONS, serviceVersions: this.serviceVersions };
      let transactionId = 0;
      const answer = await session.exchange(
        IcMessageType.NEGOTIATE,
        (id) => {
          transactionId = id;
          return buildNegotiateRequest(offer.frameworkVersions, offer.serviceVersions, id);
        },
        NEGOTIATE_TIMEOUT_MS,
        signal,
      );
      this.sent++;
      if (!answer) return;
      const outcome = this.read(() => readNegotiateResponse(answer, offer, transactionId));
      if (!outcome?.agreed) {
        this.unsupportedCount++;
        return;
      }
      this.negotiated = outcome.versions;
      await this.serve(session, outcome.versions, signal);
    } finally {
      this.negotiated = undefined;
      this.lostSessions.rejected += session.rejected;
      this.lostSessions.timeouts += session.timeouts;
      this.session = undefined;
      session.close();
    }
  }

  /**
   * Sends one request and returns the answer read by `read`, or `undefined` if the guest did not
   * answer in time or answered with something malformed (counted).
   */
  protected async ask<T>(
    session: IcSession,
    messageType: IcMessageType,
    build: (transactionId: number) => Uint8Array,
    read: (answer: Uint8Array, transactionId: number) => T,
    timeoutMs: number,
    signal: AbortSignal,
  ): Promise<T | undefined> {
    let transactionId = 0;
    const answer = await session.exchange(
      messageType,
      (id) => {
        transactionId = id;
        return build(id);
      },
      timeoutMs,
      signal,
    );
    this.sent++;
    return answer ? this.read(() => read(answer, transactionId)) : undefined;
  }

  /** Serves the negotiated channel until `signal` aborts. */
  protected abstract serve(session: IcSession, versions: NegotiatedVersions, signal: AbortSignal): Promise<void>;

  /** Runs a reader of guest bytes: a ProtocolError is counted and yields undefined. */
  private read<T>(reader: () => T): T | undefined {
    try {
      return reader();
    } catch (error) {
      if (!(error instanceof ProtocolError)) throw error;
      this.lostSessions.rejected++;
      return undefined;
    }
  }

  /** The currently open session, for services that send on demand (shutdown, KVP). */
  protected get currentSession(): IcSession | undefined {
    return this.session;
  }
}
