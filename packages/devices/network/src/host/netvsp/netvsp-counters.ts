/**
 * What a NetVSP counts (monotonic), from the adapter's point of view: `framesSent` left the guest
 * for the switch, `framesReceived` came from the switch into the guest. Every frame the switch
 * offers ends in `framesReceived` or one `receiveDropped…` counter.
 */
export interface NetvspCounters {
  /** Frames the guest sent that went into the switch port. */
  framesSent: number;
  bytesSent: number;
  /** Frames the guest sent that the switch port refused (spoofed source, wrong VLAN, queue full…). */
  sendsRefused: number;
  /** Frames the guest sent longer than the adapter's MTU allows: completed with a failure status. */
  sendsOversize: number;
  /**
   * Times the VSP stopped taking the guest's sends because the switch port had no room for another
   * full section (it goes on once the switch has drained the port's queue): backpressure, not loss.
   */
  sendPauses: number;
  /** Frames written into the guest's receive buffer. */
  framesReceived: number;
  bytesReceived: number;
  /** Frames from the switch dropped: no channel, no receive buffer or RNDIS not initialized yet. */
  receiveDroppedNotReady: number;
  /** …because the link is down (set by management). */
  receiveDroppedLinkDown: number;
  /** …because the guest's packet filter does not take them (0, or not our address). */
  receiveDroppedFiltered: number;
  /** …because every receive slot waits for the guest's completion. */
  receiveDroppedNoSlot: number;
  /** …because they are longer than the adapter's MTU allows. */
  receiveDroppedOversize: number;
  /** Transfer-page packets sent (each carries one or more frames). */
  receivePackets: number;
  /** RNDIS control messages answered. */
  controlMessages: number;
  /** Control responses and status indications lost: no receive slot and the backlog was full. */
  controlDropped: number;
  /**
   * Receive or send buffers refused because their GPADL's pages are not physically contiguous
   * (tsvisor maps a buffer as one window of guest memory): answered with a failure status.
   */
  buffersNotContiguous: number;
  /** Malformed or out-of-place NVSP or RNDIS messages from the guest (answered with a failure, or ignored). */
  protocolErrors: number;
  /** Channels that faulted (the guest broke the ring protocol). */
  channelFaults: number;
  /**
   * Packets whose handling failed in the VSP itself (a bug, not the guest's malformed input): the
   * channel is closed, the host and the other channels go on.
   */
  internalErrors: number;
}

/** Counters all at zero. */
export function emptyNetvspCounters(): NetvspCounters {
  return {
    framesSent: 0,
    bytesSent: 0,
    sendsRefused: 0,
    sendsOversize: 0,
    sendPauses: 0,
    framesReceived: 0,
    bytesReceived: 0,
    receiveDroppedNotReady: 0,
    receiveDroppedLinkDown: 0,
    receiveDroppedFiltered: 0,
    receiveDroppedNoSlot: 0,
    receiveDroppedOversize: 0,
    receivePackets: 0,
    controlMessages: 0,
    controlDropped: 0,
    buffersNotContiguous: 0,
    protocolErrors: 0,
    channelFaults: 0,
    internalErrors: 0,
  };
}
