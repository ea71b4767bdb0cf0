/**
 * What a switch port counts (monotonic). Every frame sent into the port ends in exactly one of
 * `framesForwarded`, a `dropped…` counter, or the port's queue:
 * `framesIn = framesForwarded + droppedRunt + droppedOversize + droppedMalformed + droppedVlan +
 * droppedSpoofed + droppedQueueFull + droppedFiltered + droppedOnDisconnect + queued`.
 */
export interface SwitchPortCounters {
  /** Frames sent into the switch through the port, dropped ones included. */
  framesIn: number;
  /** Their bytes, as offered. */
  bytesIn: number;
  /** Frames the switch took off the port's queue and forwarded (to any number of ports, even none). */
  framesForwarded: number;
  /** Frames delivered out of the switch through the port (taken by its receiver). */
  framesOut: number;
  /** Their bytes, as delivered (tagged or not). */
  bytesOut: number;
  /** Shorter than an Ethernet header (or than header and tag), or a range outside the array given. */
  droppedRunt: number;
  /** Longer than the switch's largest frame. */
  droppedOversize: number;
  /** A group (multicast) source address, which no station may have. */
  droppedMalformed: number;
  /** On a VLAN the port does not carry, tagged on an access port, or untagged on a trunk without a native VLAN. */
  droppedVlan: number;
  /** A source address other than the port's own, on a port bound to its MAC. */
  droppedSpoofed: number;
  /** The port's ingress queue was full. */
  droppedQueueFull: number;
  /** Addressed to a station learned on this same port: nothing to forward. */
  droppedFiltered: number;
  /** Still queued when the port was disconnected. */
  droppedOnDisconnect: number;
  /** Frames for the port that its receiver refused or failed on. */
  egressRefused: number;
}

/** Counters all at zero. */
export function emptySwitchPortCounters(): SwitchPortCounters {
  return {
    framesIn: 0,
    bytesIn: 0,
    framesForwarded: 0,
    framesOut: 0,
    bytesOut: 0,
    droppedRunt: 0,
    droppedOversize: 0,
    droppedMalformed: 0,
    droppedVlan: 0,
    droppedSpoofed: 0,
    droppedQueueFull: 0,
    droppedFiltered: 0,
    droppedOnDisconnect: 0,
    egressRefused: 0,
  };
}

/** Every frame of the port dropped on the way in, whatever the reason. */
export function droppedFrames(counters: Readonly<SwitchPortCounters>): number {
  return (
    counters.droppedRunt +
    counters.droppedOversize +
    counters.droppedMalformed +
    counters.droppedVlan +
    counters.droppedSpoofed +
    counters.droppedQueueFull +
    counters.droppedFiltered +
    counters.droppedOnDisconnect
  );
}
