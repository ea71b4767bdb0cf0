/** Who waits for a packet that is queued until its next hop's MAC address is known. */
export interface PendingSend {
  /** The packet went out. */
  resolve(): void;
  /** The packet was dropped, for the reason given. */
  reject(error: Error): void;
}
