/**
 * The messages of a switch port link: the stream between a VM's worker process and the virtual
 * switch in the host process that carries one adapter's port (`SwitchPortServer`,
 * `RemoteSwitchDirectory`). Each message is an 8-byte header — `u32 length` (of the type word and
 * the body), `u8 type`, three reserved bytes — and its body, little-endian.
 */
export const PortLinkMessageType = {
  /** Worker → host, first: the grant's token (UTF-8). */
  HELLO: 1,
  /** Host → worker: the port is on the switch; the body is the switch's name (UTF-8). */
  ATTACHED: 2,
  /** Host → worker, then the host closes: why the port was refused (UTF-8). */
  REFUSED: 3,
  /** Either way: one Ethernet frame. */
  FRAME: 4,
} as const;

/** A {@link PortLinkMessageType} value. */
export type PortLinkMessageType = (typeof PortLinkMessageType)[keyof typeof PortLinkMessageType];

/** Bytes of a message header. */
export const PORT_LINK_HEADER_SIZE = 8;

/** The bytes the length field counts besides the body: the type word. */
export const PORT_LINK_TYPE_SIZE = 4;

/** The longest body: a jumbo frame with room to spare (a switch carries at most 65 535-byte frames). */
export const PORT_LINK_MAX_BODY = 65_536;
