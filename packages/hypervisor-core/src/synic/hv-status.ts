/**
 * Hypercall status codes (HV_STATUS), as the Hyper-V Top Level Functional Specification
 * numbers them. Every hypercall returns one of these; guests never see an exception.
 */
export const HvStatus = {
  Success: 0x0000,
  InvalidHypercallCode: 0x0002,
  InvalidHypercallInput: 0x0003,
  InvalidAlignment: 0x0004,
  InvalidParameter: 0x0005,
  AccessDenied: 0x0006,
  InvalidPartitionState: 0x0007,
  InvalidVpIndex: 0x000e,
  InvalidPortId: 0x0011,
  InvalidConnectionId: 0x0012,
  InsufficientBuffers: 0x0013,
} as const;

/** One of the {@link HvStatus} values. */
export type HvStatus = (typeof HvStatus)[keyof typeof HvStatus];
