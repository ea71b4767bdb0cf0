/**
 * Channel-management messages: the control plane of VMBus, carried in SynIC message payloads.
 * Byte-exact per PROTOCOLS.md §2. Every layout starts with the 8-byte message header, so its `size`
 * is the real message size.
 * @module
 */
import { bytes, guid, oneOf, reserved, struct, u8, u16, u32, u64, type Infer } from '@tsvisor/wire';
import { GpaRange } from './packet-descriptor.js';

/** Message-type codes of channel-management messages (`enum vmbus_channel_message_type`). */
export const ChannelMessageType = {
  /** Host → guest: a channel offer. */
  OFFERCHANNEL: 1,
  /** Host → guest: an offer is withdrawn. */
  RESCIND_CHANNELOFFER: 2,
  /** Guest → host: send all offers. */
  REQUESTOFFERS: 3,
  /** Host → guest: every offer has been sent. */
  ALLOFFERS_DELIVERED: 4,
  /** Guest → host: open a channel. */
  OPENCHANNEL: 5,
  /** Host → guest: result of an open. */
  OPENCHANNEL_RESULT: 6,
  /** Guest → host: close a channel. */
  CLOSECHANNEL: 7,
  /** Guest → host: first message of a GPADL. */
  GPADL_HEADER: 8,
  /** Guest → host: continuation of a GPADL's PFN list. */
  GPADL_BODY: 9,
  /** Host → guest: a GPADL is mapped. */
  GPADL_CREATED: 10,
  /** Guest → host: tear a GPADL down. */
  GPADL_TEARDOWN: 11,
  /** Host → guest: a GPADL is torn down. */
  GPADL_TORNDOWN: 12,
  /** Guest → host: a rescinded channel's relid may be reused. */
  RELID_RELEASED: 13,
  /** Guest → host: start of the connection, with a requested version. */
  INITIATE_CONTACT: 14,
  /** Host → guest: answer to INITIATE_CONTACT. */
  VERSION_RESPONSE: 15,
  /** Guest → host: disconnect. */
  UNLOAD: 16,
  /** Host → guest: disconnect acknowledged. */
  UNLOAD_RESPONSE: 17,
  /** Guest → host: change a channel's target VP. */
  MODIFYCHANNEL: 22,
  /** Host → guest: answer to MODIFYCHANNEL. */
  MODIFYCHANNEL_RESPONSE: 24,
  /** Host → guest: pause message delivery. */
  PAUSE: 27,
  /** Guest → host: answer to PAUSE. */
  PAUSE_RESPONSE: 28,
  /** Host → guest: resume message delivery. */
  RESUME: 29,
} as const;

/** A channel-management message-type code: one of the values of {@link ChannelMessageType}. */
export type ChannelMessageType = (typeof ChannelMessageType)[keyof typeof ChannelMessageType];

/** The SynIC interrupt source VMBus messages arrive on. */
export const VMBUS_MESSAGE_SINT = 2;

/**
 * Builds a VMBus protocol version, `major << 16 | minor`.
 * @param major - Major version, 0..65535.
 * @param minor - Minor version, 0..65535.
 */
export function vmbusVersion(major: number, minor: number): number {
  return ((major << 16) | minor) >>> 0;
}

/** The VMBus protocol versions, as `major << 16 | minor`. */
export const VmbusVersion = {
  /** 5.3 (Windows Server 2022). */
  V5_3: 0x0005_0003,
  /** 5.2 (Windows Server 2019 / RS5). */
  V5_2: 0x0005_0002,
  /** 5.1 (Windows 10 RS4). */
  V5_1: 0x0005_0001,
  /** 5.0 (Windows 10 RS3). */
  V5_0: 0x0005_0000,
  /** 4.1 (Windows 10 RS1). */
  V4_1: 0x0004_0001,
  /** 4.0 (Windows 10). */
  V4_0: 0x0004_0000,
  /** 3.0 (Windows 8.1). */
  V3_0: 0x0003_0000,
  /** 2.4 (Windows 8). */
  V2_4: 0x0002_0004,
} as const;

/** The versions a guest proposes in INITIATE_CONTACT, newest first. */
export const VMBUS_VERSIONS: readonly number[] = [
  VmbusVersion.V5_3,
  VmbusVersion.V5_2,
  VmbusVersion.V5_1,
  VmbusVersion.V5_0,
  VmbusVersion.V4_1,
  VmbusVersion.V4_0,
  VmbusVersion.V3_0,
  VmbusVersion.V2_4,
];

/** Offer `channelFlags` bits used by tsvisor. */
export const ChannelFlag = {
  /** The channel runs in named-pipe mode: payloads start with a pipe header. */
  NAMED_PIPE_MODE: 0x10,
  /** The offer is an hv_sock provider. */
  HV_SOCK_PROVIDER: 0x2000,
} as const;

/** Pipe modes, in the first u32 of an offer's `userDefined` bytes when in pipe mode. */
export const PipeMode = {
  /** Byte stream. */
  BYTE: 0,
  /** Message boundaries are kept. */
  MESSAGE: 4,
} as const;

/** Most PFNs that fit in one GPADL_HEADER message after its fixed part. */
export const GPADL_HEADER_MAX_PFNS = 26;

/** Most PFNs that fit in one GPADL_BODY message after its fixed part. */
export const GPADL_BODY_MAX_PFNS = 28;

/**
 * The 8-byte header every channel-management message starts with, with any message type: for
 * dispatch before choosing the message's own layout.
 */
export const ChannelMessageHeader = struct('ChannelMessageHeader', {
  msgtype: u32,
  padding: reserved(4),
});
/** Value of a {@link ChannelMessageHeader}. */
export type ChannelMessageHeader = Infer<typeof ChannelMessageHeader>;

/** Header fields of a message of type `code`: decoding any other message type is a `ProtocolError`. */
function header<const C extends number>(code: C) {
  return { msgtype: oneOf(u32, [code]), padding: reserved(4) };
}

/** INITIATE_CONTACT (`struct vmbus_channel_initiate_contact`, 40 bytes). */
export const InitiateContact = struct('InitiateContact', {
  ...header(ChannelMessageType.INITIATE_CONTACT),
  vmbusVersionRequested: u32,
  targetVcpu: u32,
  msgSint: u8,
  msgVtl: u8,
  reserved: reserved(6),
  monitorPage1: u64,
  monitorPage2: u64,
});
/** Value of an {@link InitiateContact}. */
export type InitiateContact = Infer<typeof InitiateContact>;

/** VERSION_RESPONSE (`struct vmbus_channel_version_response`, 16 bytes). */
export const VersionResponse = struct('VersionResponse', {
  ...header(ChannelMessageType.VERSION_RESPONSE),
  versionSupported: u8,
  connectionState: u8,
  reserved: reserved(2),
  msgConnId: u32,
});
/** Value of a {@link VersionResponse}. */
export type VersionResponse = Infer<typeof VersionResponse>;

/** The channel offer inside OFFERCHANNEL (`struct vmbus_channel_offer`, 176 bytes). */
export const ChannelOffer = struct('ChannelOffer', {
  interfaceType: guid,
  interfaceInstance: guid,
  reserved1: reserved(16),
  channelFlags: u16,
  mmioMegabytes: u16,
  userDefined: bytes(120),
  subChannelIndex: u16,
  reserved2: reserved(2),
});
/** Value of a {@link ChannelOffer}. */
export type ChannelOffer = Infer<typeof ChannelOffer>;

/** OFFERCHANNEL (`struct vmbus_channel_offer_channel`, 196 bytes). */
export const OfferChannel = struct('OfferChannel', {
  ...header(ChannelMessageType.OFFERCHANNEL),
  offer: ChannelOffer,
  childRelid: u32,
  monitorId: u8,
  monitorAllocated: u8,
  isDedicatedInterrupt: u16,
  connectionId: u32,
});
/** Value of an {@link OfferChannel}. */
export type OfferChannel = Infer<typeof OfferChannel>;

/** RESCIND_CHANNELOFFER (`struct vmbus_channel_rescind_offer`, 12 bytes). */
export const RescindChannelOffer = struct('RescindChannelOffer', {
  ...header(ChannelMessageType.RESCIND_CHANNELOFFER),
  childRelid: u32,
});
/** Value of a {@link RescindChannelOffer}. */
export type RescindChannelOffer = Infer<typeof RescindChannelOffer>;

/** REQUESTOFFERS: the header alone (8 bytes). */
export const RequestOffers = struct('RequestOffers', header(ChannelMessageType.REQUESTOFFERS));
/** Value of a {@link RequestOffers}. */
export type RequestOffers = Infer<typeof RequestOffers>;

/** ALLOFFERS_DELIVERED: the header alone (8 bytes). */
export const AllOffersDelivered = struct('AllOffersDelivered', header(ChannelMessageType.ALLOFFERS_DELIVERED));
/** Value of an {@link AllOffersDelivered}. */
export type AllOffersDelivered = Infer<typeof AllOffersDelivered>;

/**
 * OPENCHANNEL (`struct vmbus_channel_open_channel`, 148 bytes). Both rings live in the one GPADL
 * `ringBufferGpadlHandle`; `downstreamRingBufferPageOffset` is the page of the host → guest ring.
 */
export const OpenChannel = struct('OpenChannel', {
  ...header(ChannelMessageType.OPENCHANNEL),
  childRelid: u32,
  openId: u32,
  ringBufferGpadlHandle: u32,
  targetVp: u32,
  downstreamRingBufferPageOffset: u32,
  userData: bytes(120),
});
/** Value of an {@link OpenChannel}. */
export type OpenChannel = Infer<typeof OpenChannel>;

/** OPENCHANNEL_RESULT (`struct vmbus_channel_open_result`, 20 bytes); `status` 0 is success. */
export const OpenChannelResult = struct('OpenChannelResult', {
  ...header(ChannelMessageType.OPENCHANNEL_RESULT),
  childRelid: u32,
  openId: u32,
  status: u32,
});
/** Value of an {@link OpenChannelResult}. */
export type OpenChannelResult = Infer<typeof OpenChannelResult>;

/** CLOSECHANNEL (`struct vmbus_channel_close_channel`, 12 bytes). */
export const CloseChannel = struct('CloseChannel', {
  ...header(ChannelMessageType.CLOSECHANNEL),
  childRelid: u32,
});
/** Value of a {@link CloseChannel}. */
export type CloseChannel = Infer<typeof CloseChannel>;

/**
 * The fixed part of GPADL_HEADER (`struct vmbus_channel_gpadl_header` with one range, 28 bytes).
 * Up to {@link GPADL_HEADER_MAX_PFNS} u64 PFNs follow in the same message; `rangeBufLen` is the
 * size of the range with all its PFNs.
 */
export const GpadlHeader = struct('GpadlHeader', {
  ...header(ChannelMessageType.GPADL_HEADER),
  childRelid: u32,
  gpadl: u32,
  rangeBufLen: u16,
  rangeCount: u16,
  range: GpaRange,
});
/** Value of a {@link GpadlHeader}. */
export type GpadlHeader = Infer<typeof GpadlHeader>;

/**
 * The fixed part of GPADL_BODY (`struct vmbus_channel_gpadl_body`, 16 bytes). Up to
 * {@link GPADL_BODY_MAX_PFNS} u64 PFNs follow.
 */
export const GpadlBody = struct('GpadlBody', {
  ...header(ChannelMessageType.GPADL_BODY),
  msgNumber: u32,
  gpadl: u32,
});
/** Value of a {@link GpadlBody}. */
export type GpadlBody = Infer<typeof GpadlBody>;

/** GPADL_CREATED (`struct vmbus_channel_gpadl_created`, 20 bytes); `creationStatus` 0 is success. */
export const GpadlCreated = struct('GpadlCreated', {
  ...header(ChannelMessageType.GPADL_CREATED),
  childRelid: u32,
  gpadl: u32,
  creationStatus: u32,
});
/** Value of a {@link GpadlCreated}. */
export type GpadlCreated = Infer<typeof GpadlCreated>;

/** GPADL_TEARDOWN (`struct vmbus_channel_gpadl_teardown`, 16 bytes). */
export const GpadlTeardown = struct('GpadlTeardown', {
  ...header(ChannelMessageType.GPADL_TEARDOWN),
  childRelid: u32,
  gpadl: u32,
});
/** Value of a {@link GpadlTeardown}. */
export type GpadlTeardown = Infer<typeof GpadlTeardown>;

/** GPADL_TORNDOWN (`struct vmbus_channel_gpadl_torndown`, 12 bytes). */
export const GpadlTorndown = struct('GpadlTorndown', {
  ...header(ChannelMessageType.GPADL_TORNDOWN),
  gpadl: u32,
});
/** Value of a {@link GpadlTorndown}. */
export type GpadlTorndown = Infer<typeof GpadlTorndown>;

/** RELID_RELEASED (`struct vmbus_channel_relid_released`, 12 bytes). */
export const RelidReleased = struct('RelidReleased', {
  ...header(ChannelMessageType.RELID_RELEASED),
  childRelid: u32,
});
/** Value of a {@link RelidReleased}. */
export type RelidReleased = Infer<typeof RelidReleased>;

/** UNLOAD: the header alone (8 bytes). */
export const Unload = struct('Unload', header(ChannelMessageType.UNLOAD));
/** Value of an {@link Unload}. */
export type Unload = Infer<typeof Unload>;

/** UNLOAD_RESPONSE: the header alone (8 bytes). */
export const UnloadResponse = struct('UnloadResponse', header(ChannelMessageType.UNLOAD_RESPONSE));
/** Value of an {@link UnloadResponse}. */
export type UnloadResponse = Infer<typeof UnloadResponse>;
