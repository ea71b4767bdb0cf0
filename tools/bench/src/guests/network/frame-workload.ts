/** One frame stream the network suite measures between its two guests (see `frame-receiver.ts`). */
export interface FrameWorkload {
  /** The label its result lines carry. */
  readonly label: string;
  /** Bytes of each Ethernet frame (header included, no FCS). */
  readonly frameBytes: number;
  /** Measured windows, after one warm-up window that is not reported. */
  readonly windows: number;
  readonly windowMs: number;
}

/**
 * The prefix of the console lines the network suite parses: the receiver's
 * `<prefix> <label> <frames> <bytes> <ms>` per window, the sender's
 * `<prefix> sent <label> <frames> <dropped>` per workload.
 */
export const RESULT_PREFIX = 'network-bench';
/** The receiver's line once its NIC is up: the host starts the sender then. */
export const RECEIVER_READY_LINE = `${RESULT_PREFIX} receiver ready`;
/** The receiver's line once every workload is measured. */
export const RECEIVER_DONE_LINE = `${RESULT_PREFIX} receiver done`;
/** The sender's line once the receiver stopped its last workload. */
export const SENDER_DONE_LINE = `${RESULT_PREFIX} sender done`;

/** The MAC addresses of the two bench NICs. */
export const RECEIVER_MAC = '00-15-5D-BE-00-01';
export const SENDER_MAC = '00-15-5D-BE-00-02';
