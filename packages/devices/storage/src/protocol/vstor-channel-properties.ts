/**
 * The channel properties a host returns to QUERY_PROPERTIES (PROTOCOLS.md §3).
 * @module
 */
import { reserved, struct, u16, u32, type Infer } from '@tsvisor/wire';

/** {@link VstorChannelProperties.flags} bit 0: the host offers sub-channels (multi-queue). */
export const VSTOR_PROPERTY_MULTI_CHANNEL = 1;

/**
 * The payload of a QUERY_PROPERTIES completion (`struct vmstorage_channel_properties`, 24 bytes):
 * how many sub-channels the guest may ask for and the largest transfer of one request.
 */
export const VstorChannelProperties = struct('VstorChannelProperties', {
  reserved: reserved(4),
  maxChannelCount: u16,
  reserved1: reserved(2),
  flags: u32,
  maxTransferBytes: u32,
  reserved2: reserved(8),
});
/** Value of a {@link VstorChannelProperties}. */
export type VstorChannelProperties = Infer<typeof VstorChannelProperties>;
