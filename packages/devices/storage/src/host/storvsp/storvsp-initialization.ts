import { VSTOR_GUEST_VERSIONS, VstorStatus, VstorVersion } from '../../protocol/index.js';

/** Where a storvsp channel is in its bring-up (PROTOCOLS.md §3). */
export const StorvspPhase = {
  /** Nothing yet: BEGIN_INITIALIZATION comes first. */
  AWAITING_BEGIN: 'awaiting-begin',
  /** Begun: the guest proposes versions until one is accepted. */
  AWAITING_VERSION: 'awaiting-version',
  /** A version is agreed: properties may be asked, END_INITIALIZATION ends the bring-up. */
  VERSION_AGREED: 'version-agreed',
  /** Up: SCSI requests and sub-channel requests are served. */
  READY: 'ready',
} as const;

/** A bring-up phase: one of the values of {@link StorvspPhase}. */
export type StorvspPhase = (typeof StorvspPhase)[keyof typeof StorvspPhase];

const ACCEPTED: ReadonlySet<number> = new Set(VSTOR_GUEST_VERSIONS);

/**
 * The bring-up of a storvsp primary channel as a state machine that does no I/O: each method
 * applies one guest message and returns the NTSTATUS to answer it with. A message out of order
 * leaves the state as it was and is answered `STATUS_UNSUCCESSFUL`; a version the host does not
 * speak, `STATUS_REVISION_MISMATCH` (the guest then proposes an older one).
 */
export class StorvspInitialization {
  phase: StorvspPhase = StorvspPhase.AWAITING_BEGIN;
  /** The agreed protocol version (`major << 8 | minor`), 0 until one is. */
  version = 0;
  /** Messages that came out of order. */
  outOfOrder = 0;

  /** Whether the bring-up is complete. */
  get ready(): boolean {
    return this.phase === StorvspPhase.READY;
  }

  /** Whether the agreed version has sub-channels and the 52-byte request (Windows 8 on). */
  get win8(): boolean {
    return this.version >= VstorVersion.WIN8;
  }

  /** BEGIN_INITIALIZATION. */
  begin(): number {
    if (this.phase !== StorvspPhase.AWAITING_BEGIN) return this.refuse();
    this.phase = StorvspPhase.AWAITING_VERSION;
    return VstorStatus.SUCCESS;
  }

  /** QUERY_PROTOCOL_VERSION proposing `majorMinor`. */
  proposeVersion(majorMinor: number): number {
    if (this.phase !== StorvspPhase.AWAITING_VERSION) return this.refuse();
    if (!ACCEPTED.has(majorMinor)) return VstorStatus.REVISION_MISMATCH;
    this.version = majorMinor;
    this.phase = StorvspPhase.VERSION_AGREED;
    return VstorStatus.SUCCESS;
  }

  /** QUERY_PROPERTIES: allowed once a version is agreed, before or after the end of bring-up. */
  queryProperties(): number {
    if (this.phase !== StorvspPhase.VERSION_AGREED && this.phase !== StorvspPhase.READY) return this.refuse();
    return VstorStatus.SUCCESS;
  }

  /** END_INITIALIZATION. */
  end(): number {
    if (this.phase !== StorvspPhase.VERSION_AGREED) return this.refuse();
    this.phase = StorvspPhase.READY;
    return VstorStatus.SUCCESS;
  }

  /** A request that needs the bring-up complete (SRBs, resets, sub-channels). */
  requireReady(): number {
    return this.ready ? VstorStatus.SUCCESS : this.refuse();
  }

  private refuse(): number {
    this.outOfOrder++;
    return VstorStatus.UNSUCCESSFUL;
  }
}
