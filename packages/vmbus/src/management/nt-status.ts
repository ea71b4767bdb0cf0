/**
 * The NTSTATUS codes the control plane puts in OPENCHANNEL_RESULT.status and
 * GPADL_CREATED.creationStatus. Zero is success; guests treat any other value as failure.
 */
export const NtStatus = {
  /** Success. */
  SUCCESS: 0,
  /** A field names something that does not exist or cannot be used (a bad PFN, a GPADL of another channel). */
  INVALID_PARAMETER: 0xc000_000d,
  /** A limit would be exceeded (too many GPADLs, too many pages). */
  INSUFFICIENT_RESOURCES: 0xc000_009a,
  /** The channel is being rescinded or is not offered. */
  DEVICE_NOT_CONNECTED: 0xc000_009d,
} as const;

/** One of the {@link NtStatus} values. */
export type NtStatus = (typeof NtStatus)[keyof typeof NtStatus];
