/**
 * Protocol versions of storvsc/storvsp and the payload that proposes one (PROTOCOLS.md §3).
 * @module
 */
import { struct, u16, type Infer } from '@tsvisor/wire';

/** Protocol versions, `major << 8 | minor` (`VMSTOR_PROTO_VERSION_*`). */
export const VstorVersion = {
  /** Windows Server 2008: 2.0. */
  WIN6: 0x0200,
  /** Windows 7: 4.2. */
  WIN7: 0x0402,
  /** Windows 8: 5.1, the first with the 52-byte `vmscsi_request`. */
  WIN8: 0x0501,
  /** Windows 8.1: 6.0. */
  WIN8_1: 0x0600,
  /** Windows 10: 6.2. */
  WIN10: 0x0602,
} as const;

/** A protocol version: one of the values of {@link VstorVersion}. */
export type VstorVersion = (typeof VstorVersion)[keyof typeof VstorVersion];

/** The versions a guest proposes, newest first, until the host accepts one. */
export const VSTOR_GUEST_VERSIONS: readonly VstorVersion[] = [
  VstorVersion.WIN10,
  VstorVersion.WIN8_1,
  VstorVersion.WIN8,
  VstorVersion.WIN7,
  VstorVersion.WIN6,
];

/**
 * The payload of QUERY_PROTOCOL_VERSION (`struct vmstorage_protocol_version`): the proposed
 * version and a revision (0).
 */
export const VstorProtocolVersion = struct('VstorProtocolVersion', {
  majorMinor: u16,
  revision: u16,
});
/** Value of a {@link VstorProtocolVersion}. */
export type VstorProtocolVersion = Infer<typeof VstorProtocolVersion>;
