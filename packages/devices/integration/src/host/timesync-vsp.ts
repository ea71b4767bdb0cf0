import type { VspContext, VspFactory } from '@tsvisor/device-sdk/host';
import { timeSyncClass, type TimeSyncConfig } from '../classes/timesync-class.js';
import { IcMessageType, IcStatus } from '../protocol/icmsg-header.js';
import type { IcVersion, NegotiatedVersions } from '../protocol/ic-version.js';
import {
  TIMESYNC_VERSIONS,
  TimeSyncFlag,
  buildTimeSyncRequest,
  fileTimeFromUnixMs,
  readTimeSyncResponse,
  usesReferenceTime,
  type TimeSyncSample,
} from '../protocol/timesync.js';
import { pause } from './abortable-wait.js';
import type { IcSession } from './ic-session.js';
import { IcServiceVsp, type IcServiceCounters } from './ic-service-vsp.js';

/** The host's wall clock: the current Unix time in milliseconds (`Date.now` unless a test moves it). */
export type HostClock = () => number;

/** The longest the host waits for a sample's acknowledgement (shorter intervals wait one interval). */
const ACKNOWLEDGE_TIMEOUT_MS = 5_000;

/** 100 ns reference-counter ticks per millisecond. */
const TICKS_PER_MS = 10_000;

/** Counters of the time synchronisation service. */
export type TimeSyncCounters = IcServiceCounters & {
  /** Time samples sent (SYNC and SAMPLE). */
  readonly samplesSent: number;
  /** Samples the guest acknowledged with S_OK. */
  readonly samplesAcknowledged: number;
};

/**
 * The host side of the time synchronisation service (PROTOCOLS.md §5). Once the channel is
 * negotiated it sends a SYNC sample (the guest sets its clock), then a SAMPLE every `intervalMs`.
 * Until the guest acknowledges a sample with S_OK, every sample carries SYNC, so a guest that
 * missed the first one still gets its clock set.
 *
 * From version 4.0 on, a sample also carries `vmReferenceTime`: in Hyper-V the partition reference
 * counter; here the host's monotonic `performance.now()` in 100 ns units. The guest has no view of
 * that counter and treats the field as opaque.
 */
export class TimeSyncVsp extends IcServiceVsp<TimeSyncConfig> {
  protected readonly serviceVersions = TIMESYNC_VERSIONS;
  private samplesSentCount = 0;
  private samplesAcknowledgedCount = 0;

  /**
   * @param clock - The host time to send, in Unix milliseconds.
   */
  constructor(
    context: VspContext<TimeSyncConfig>,
    private readonly clock: HostClock = Date.now,
  ) {
    super(context);
  }

  /** Time samples sent so far, over every open of the channel. */
  get samplesSent(): number {
    return this.samplesSentCount;
  }

  override counters(): TimeSyncCounters {
    return { ...super.counters(), samplesSent: this.samplesSentCount, samplesAcknowledged: this.samplesAcknowledgedCount };
  }

  protected async serve(session: IcSession, versions: NegotiatedVersions, signal: AbortSignal): Promise<void> {
    const { intervalMs } = this.context.config;
    let synced = false;
    while (!signal.aborted) {
      const started = performance.now();
      const sample = this.sample(versions.service, synced ? TimeSyncFlag.SAMPLE : TimeSyncFlag.SYNC);
      this.samplesSentCount++;
      const answer = await this.ask(
        session,
        IcMessageType.TIMESYNC,
        (id) => buildTimeSyncRequest(versions, sample, id),
        (bytes, id) => readTimeSyncResponse(bytes, id),
        Math.min(intervalMs, ACKNOWLEDGE_TIMEOUT_MS),
        signal,
      );
      if (answer?.status === IcStatus.S_OK) {
        this.samplesAcknowledgedCount++;
        synced = true;
      }
      await pause(Math.max(0, intervalMs - (performance.now() - started)), signal);
    }
  }

  /** A sample of the host clock now, in the format of `service`. */
  private sample(service: IcVersion, flags: typeof TimeSyncFlag.SYNC | typeof TimeSyncFlag.SAMPLE): TimeSyncSample {
    const parentTime = fileTimeFromUnixMs(this.clock());
    if (!usesReferenceTime(service)) return { parentTime, childTime: 0n, roundTripTime: 0n, flags };
    const vmReferenceTime = BigInt(Math.round(performance.now() * TICKS_PER_MS));
    // Leap indicator 0 (no warning) and stratum 0 (unspecified): the host states no NTP quality.
    return { parentTime, vmReferenceTime, flags, leapFlags: 0, stratum: 0 };
  }
}

/** Makes a {@link TimeSyncVsp} per VM; every VSP it makes reads the same host clock. */
export class TimeSyncVspFactory implements VspFactory<TimeSyncConfig> {
  readonly deviceClass = timeSyncClass;

  /**
   * @param clock - The host's wall clock, Unix milliseconds; default `Date.now`. Tests pass a
   *   shifted clock to stand for a host whose time differs from the guest's.
   */
  constructor(private readonly clock: HostClock = Date.now) {}

  create(context: VspContext<TimeSyncConfig>): TimeSyncVsp {
    return new TimeSyncVsp(context, this.clock);
  }
}
