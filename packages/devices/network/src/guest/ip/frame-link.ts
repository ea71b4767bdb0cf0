import type { MacAddress } from '../../protocol/mac-address.js';

/**
 * An Ethernet link the IP stack sends and receives frames over: the synthetic NIC in a guest, or a
 * cable between two stacks in a test. Frames are Ethernet II frames without FCS.
 */
export interface FrameLink {
  /** This end's MAC address. */
  readonly mac: MacAddress;
  /** The largest payload a frame carries (the largest IPv4 packet), in bytes: 1500 on Ethernet. */
  readonly mtu: number;
  /**
   * Transmits `frame`. The link copies or sends it before returning, so the caller may reuse the
   * buffer at once; it never throws (a link that cannot carry a frame drops it, as a NIC does) and
   * never delivers a frame to this end's own receiver from inside the call.
   */
  send(frame: Uint8Array): void;
  /**
   * Starts delivering received frames to `receiver` and returns the function that stops it. A
   * frame is lent for the call only: the receiver copies what it keeps.
   */
  onFrame(receiver: (frame: Uint8Array) => void): () => void;
}
