import { bytes, guid, oneOf, reserved, struct, u8, u16, u32, u64 } from '../index.js';

/** The 16-byte descriptor at the head of every VMBus ring-buffer packet (`struct vmpacket_descriptor`). */
export const PacketDescriptor = struct('PacketDescriptor', {
  type: u16,
  dataOffset8: u16,
  length8: u16,
  flags: u16,
  transactionId: u64,
});

/** The 16-byte header of a SynIC message (`struct hv_message_header`). */
export const SynicMessageHeader = struct('SynicMessageHeader', {
  messageType: u32,
  payloadSize: u8,
  flags: u8,
  reserved: reserved(2),
  sender: u64,
});

/** The channel offer inside an offer message (`struct vmbus_channel_offer`, 176 bytes). */
export const ChannelOffer = struct('ChannelOffer', {
  interfaceType: guid,
  interfaceInstance: guid,
  reserved1: reserved(8),
  reserved2: reserved(8),
  channelFlags: u16,
  mmioMegabytes: u16,
  userDefined: bytes(120),
  subChannelIndex: u16,
  reserved3: reserved(2),
});

/** The VMBus CHANNELMSG_OFFERCHANNEL message (`struct vmbus_channel_offer_channel`, 196 bytes). */
export const OfferChannel = struct('OfferChannel', {
  msgtype: oneOf(u32, [1]),
  padding: reserved(4),
  offer: ChannelOffer,
  childRelid: u32,
  monitorId: u8,
  monitorAllocated: u8,
  isDedicatedInterrupt: u16,
  connectionId: u32,
});
