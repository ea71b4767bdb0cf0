/**
 * NVSP protocol versions and the NDIS version a guest announces with each (PROTOCOLS.md §4).
 * @module
 */

/** NVSP protocol versions, `major << 16 | minor` (`NVSP_PROTOCOL_VERSION_*`). */
export const NvspVersion = {
  /** Windows Server 2008: 0.2. */
  V1: 0x2,
  /** Windows Server 2008 R2: 3.2. */
  V2: 0x3_0002,
  /** Windows Server 2012: 4.0. */
  V4: 0x4_0000,
  /** Windows Server 2012 R2: 5.0, with sub-channels and the send indirection table. */
  V5: 0x5_0000,
  /** Windows Server 2016: 6.0. */
  V6: 0x6_0000,
  /** Windows Server 2016 update: 6.1, the first with 40-byte messages. */
  V61: 0x6_0001,
} as const;

/** A protocol version: one of the values of {@link NvspVersion}. */
export type NvspVersion = (typeof NvspVersion)[keyof typeof NvspVersion];

/** The versions a guest proposes, newest first, until the host accepts one. */
export const NVSP_GUEST_VERSIONS: readonly NvspVersion[] = [
  NvspVersion.V61,
  NvspVersion.V6,
  NvspVersion.V5,
  NvspVersion.V4,
  NvspVersion.V2,
  NvspVersion.V1,
];

/** An NDIS version, as SEND_NDIS_VERSION carries it. */
export interface NdisVersion {
  readonly major: number;
  readonly minor: number;
}

/** NDIS 6.1, announced with NVSP 4.0 and older. */
export const NDIS_VERSION_6_1: NdisVersion = { major: 6, minor: 1 };

/** NDIS 6.30, announced with NVSP 5.0 and newer. */
export const NDIS_VERSION_6_30: NdisVersion = { major: 6, minor: 30 };

/** The NDIS version a guest announces once `version` of NVSP is agreed, as the Linux driver does. */
export function ndisVersionFor(version: number): NdisVersion {
  return version <= NvspVersion.V4 ? NDIS_VERSION_6_1 : NDIS_VERSION_6_30;
}
