/** The result of a management method, as Hyper-V's WMI methods return it (PROTOCOLS.md §6). */
export const ReturnCode = {
  /** Completed with no error; there is no job to follow. */
  Completed: 0,
  /** Parameters checked, job started: follow the returned job. */
  JobStarted: 4096,
  /** Failed. */
  Failed: 32768,
  /** Access denied: the caller's role does not allow the operation. */
  AccessDenied: 32769,
  /** Not supported by this implementation (e.g. save). */
  NotSupported: 32770,
  /** A parameter is invalid. */
  InvalidParameter: 32773,
  /** Invalid state for this operation (e.g. pausing an Off VM, or a second state change under way). */
  InvalidState: 32775,
} as const;

/** One of the {@link ReturnCode} codes. */
export type ReturnCode = (typeof ReturnCode)[keyof typeof ReturnCode];
