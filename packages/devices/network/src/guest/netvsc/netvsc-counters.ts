/** What a guest's network adapter counts (monotonic). */
export interface NetvscCounters {
  framesSent: number;
  bytesSent: number;
  /** Frames `send` dropped: link down, no free send section, or not a frame the link carries. */
  sendDropped: number;
  /** Sends the host completed with a failure status. */
  sendFailed: number;
  framesReceived: number;
  bytesReceived: number;
  /** Malformed transfer-page packets or RNDIS messages from the host (completed with a failure). */
  protocolErrors: number;
  /** RNDIS status indications received (link up/down…). */
  statusIndications: number;
}

/** Counters all at zero. */
export function emptyNetvscCounters(): NetvscCounters {
  return { framesSent: 0, bytesSent: 0, sendDropped: 0, sendFailed: 0, framesReceived: 0, bytesReceived: 0, protocolErrors: 0, statusIndications: 0 };
}
