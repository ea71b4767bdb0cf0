/**
 * Where a switch port delivers the frames that leave the switch through it (a NIC VSP, the host's
 * network stack, a test).
 */
export interface FrameReceiver {
  /**
   * Takes one frame: `frame[offset, offset + length)`. The bytes belong to the switch and are valid
   * only during the call; copy what you keep. Returns false when the frame could not be taken (no
   * room in a receive buffer, link down): the switch counts it against the port.
   */
  receiveFrame(frame: Uint8Array, offset: number, length: number): boolean;
}
