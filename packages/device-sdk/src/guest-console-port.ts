/**
 * Where a guest's console text goes: the guest kernel posts it as UTF-8 SynIC messages (up to
 * 240 bytes each, message type {@link GUEST_CONSOLE_MESSAGE_TYPE}) on this connection id, which
 * the host grants to each partition it wants to hear.
 */
export const GUEST_CONSOLE_CONNECTION_ID = 0x100;

/** SynIC message type of console text. */
export const GUEST_CONSOLE_MESSAGE_TYPE = 1;
