/**
 * Receives the guest's PostMessage hypercalls on one connection id. `payload` is a view of
 * the hypervisor's queue slot, valid only during the call: copy what you keep.
 */
export type MessageHandler = (messageType: number, payload: Uint8Array, payloadSize: number, vpIndex: number) => void;

/** Receives the guest's SignalEvent hypercalls on one connection id (coalesced, like an interrupt). */
export type EventHandler = () => void;

/** A connection id granted to one partition, and the host handler behind it. */
export interface HostPort {
  readonly connectionId: number;
  readonly kind: 'message' | 'event';
  /** Revokes the grant: later hypercalls on this connection id are refused. */
  close(): void;
}
