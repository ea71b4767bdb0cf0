/** What a storage VSP counts, over all its channels (monotonic). */
export interface StorvspCounters {
  /** SCSI requests completed. */
  requests: number;
  /** Of those, ones that moved data from the disk to the guest. */
  reads: number;
  /** Of those, ones that moved data from the guest to the disk. */
  writes: number;
  /** Bytes read from disks into guest memory. */
  bytesRead: number;
  /** Bytes written from guest memory to disks. */
  bytesWritten: number;
  /** Requests that ended without SRB_STATUS_SUCCESS (CHECK CONDITION, unknown LUN, bad data ranges…). */
  failedRequests: number;
  /** Packets that did not decode: truncated, unknown operation, bad fields. Answered with an error. */
  malformedPackets: number;
  /** Bring-up messages out of order, and requests before the bring-up ended. Answered with an error. */
  outOfOrder: number;
  /** Data buffers that did not add up: length beyond the GPA ranges or the limit, PFNs outside guest RAM. */
  badDataBuffers: number;
  /** LUN, bus and adapter resets. */
  resets: number;
  /** Times a channel stopped reading because every request slot was in flight. */
  queueFullStalls: number;
  /** Sub-channels offered at the guest's request. */
  subChannelsOffered: number;
  /** Disks added and removed at run time. */
  hotAdds: number;
  hotRemoves: number;
  /** Request latency (packet read to completion sent), as a histogram: requests per bucket. */
  latencyUnder100us: number;
  latencyUnder1ms: number;
  latencyUnder10ms: number;
  latencyUnder100ms: number;
  latencyOver100ms: number;
  /** Sum of all request latencies, µs (with `requests`, the mean). */
  latencyTotalUs: number;
}

/** Counts one request that took `microseconds` into the latency histogram of `counters`. */
export function countLatency(counters: StorvspCounters, microseconds: number): void {
  counters.latencyTotalUs += microseconds;
  if (microseconds < 100) counters.latencyUnder100us++;
  else if (microseconds < 1_000) counters.latencyUnder1ms++;
  else if (microseconds < 10_000) counters.latencyUnder10ms++;
  else if (microseconds < 100_000) counters.latencyUnder100ms++;
  else counters.latencyOver100ms++;
}

/** Counters all at zero. */
export function emptyStorvspCounters(): StorvspCounters {
  return {
    requests: 0,
    reads: 0,
    writes: 0,
    bytesRead: 0,
    bytesWritten: 0,
    failedRequests: 0,
    malformedPackets: 0,
    outOfOrder: 0,
    badDataBuffers: 0,
    resets: 0,
    queueFullStalls: 0,
    subChannelsOffered: 0,
    hotAdds: 0,
    hotRemoves: 0,
    latencyUnder100us: 0,
    latencyUnder1ms: 0,
    latencyUnder10ms: 0,
    latencyUnder100ms: 0,
    latencyOver100ms: 0,
    latencyTotalUs: 0,
  };
}
