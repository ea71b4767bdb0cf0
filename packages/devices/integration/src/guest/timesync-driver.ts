import type { Channel } from '@tsvisor/device-sdk';
import { Subject, type Observable } from 'rxjs';
import { timeSyncClass } from '../classes/timesync-class.js';
import { IcMessageType } from '../protocol/icmsg-header.js';
import type { NegotiatedVersions } from '../protocol/ic-version.js';
import { TIMESYNC_VERSIONS, TimeSyncFlag, answerTimeSync, readTimeSyncRequest, unixMsFromFileTime } from '../protocol/timesync.js';
import { IcServiceDriver, type IcDriverCounters } from './ic-service-driver.js';

/** A host time sample the guest clock adopted. */
export interface GuestTimeSample {
  /** The host's time when it sent the sample, Unix milliseconds. */
  readonly hostTimeMs: number;
  /** The sample's flags: `TimeSyncFlag.SYNC`, `TimeSyncFlag.SAMPLE` or both. */
  readonly flags: number;
}

/**
 * The guest's view of the host's wall clock, kept by the time synchronisation service. Until a
 * sample arrives, `now()` is the guest's own `Date.now()`.
 */
export interface GuestClock {
  /** The host's time now, Unix milliseconds: the last sample's host time plus the guest time elapsed since it arrived. */
  now(): number;
  /** Host time minus guest `Date.now()` when the last sample arrived (0 before any). */
  readonly offsetMs: number;
  /** Samples adopted. */
  readonly samples: number;
  /** Whether a SYNC sample arrived: the host has set this clock at least once. */
  readonly synced: boolean;
  /** Each sample as it is adopted (a hot stream: no replay). */
  readonly samples$: Observable<GuestTimeSample>;
  /** Host requests answered and rejected. */
  readonly counters: IcDriverCounters;
}

/** The guest clock's state; the driver feeds it samples. */
class GuestClockState implements GuestClock {
  private readonly sampleSubject = new Subject<GuestTimeSample>();
  readonly samples$ = this.sampleSubject.asObservable();
  offsetMs = 0;
  samples = 0;
  synced = false;

  constructor(readonly counters: IcDriverCounters) {}

  now(): number {
    return Date.now() + this.offsetMs;
  }

  adopt(sample: GuestTimeSample): void {
    // Host time at arrival + guest time elapsed since = guest time now + (host − guest at arrival).
    this.offsetMs = sample.hostTimeMs - Date.now();
    this.samples++;
    if (sample.flags & TimeSyncFlag.SYNC) this.synced = true;
    this.sampleSubject.next(sample);
  }

  close(): void {
    this.sampleSubject.complete();
  }
}

/**
 * The guest side of the time synchronisation service: adopts every SYNC or SAMPLE the host sends
 * into its {@link GuestClock} and acknowledges each sample, probes (no flag) included. The v4
 * `vmReferenceTime` is the host's counter, opaque here: the guest times from the sample's arrival.
 */
export class TimeSyncDriver extends IcServiceDriver<GuestClock> {
  readonly deviceClass = timeSyncClass;
  protected readonly serviceVersions = TIMESYNC_VERSIONS;
  protected readonly messageType = IcMessageType.TIMESYNC;

  protected createDevice(_channel: Channel, counters: IcDriverCounters): GuestClock {
    return new GuestClockState(counters);
  }

  protected answer(device: GuestClock, request: Uint8Array, versions: NegotiatedVersions): Uint8Array {
    const response = answerTimeSync(request, versions.service);
    const { parentTime, flags } = readTimeSyncRequest(request, versions.service);
    if (flags !== TimeSyncFlag.PROBE) (device as GuestClockState).adopt({ hostTimeMs: unixMsFromFileTime(parentTime), flags });
    return response;
  }

  unbind(device: GuestClock): void {
    (device as GuestClockState).close();
  }
}
