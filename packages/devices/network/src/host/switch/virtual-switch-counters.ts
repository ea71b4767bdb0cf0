/** What a virtual switch counts over all its ports (monotonic). */
export interface VirtualSwitchCounters {
  /** Frames taken off ingress queues and forwarded. */
  framesForwarded: number;
  /** Of those, unicast frames to a learned port. */
  unicast: number;
  /** Of those, frames flooded to every other port of their VLAN: broadcast, multicast, unknown unicast. */
  flooded: number;
  /** Of the flooded, unicast frames whose destination was not (or no longer) in the MAC table. */
  unknownUnicast: number;
  /** Frames handed to receivers, over all ports (one flooded frame counts once per port). */
  deliveries: number;
  /** Times the forwarding loop ran. */
  pumps: number;
}

/** Counters all at zero. */
export function emptyVirtualSwitchCounters(): VirtualSwitchCounters {
  return { framesForwarded: 0, unicast: 0, flooded: 0, unknownUnicast: 0, deliveries: 0, pumps: 0 };
}
