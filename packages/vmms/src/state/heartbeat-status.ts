/** What the heartbeat integration service says of the guest, Hyper-V's heartbeat status codes (PROTOCOLS.md §6). */
export const HeartbeatStatus = {
  /** OK: the guest answers. */
  Ok: 2,
  /** Error: the guest reports a problem. */
  Error: 6,
  /** No contact: the guest never answered (e.g. no heartbeat driver yet). */
  NoContact: 12,
  /** Lost communication: the guest answered, then stopped. */
  LostCommunication: 13,
} as const;

/** One of the {@link HeartbeatStatus} codes. */
export type HeartbeatStatus = (typeof HeartbeatStatus)[keyof typeof HeartbeatStatus];
