/**
 * How channel-management messages ride the SynIC (PROTOCOLS.md §2): the guest posts them on
 * connection id 1 (Linux `VMBUS_MESSAGE_CONNECTION_ID`; the host may name another in
 * VERSION_RESPONSE.msgConnId), the host posts them to SINT 2, and both use SynIC message type 1.
 */
export const VMBUS_MESSAGE_CONNECTION_ID = 1;

/** The SynIC message type of channel-management messages, both ways. */
export const VMBUS_SYNIC_MESSAGE_TYPE = 1;
