/** The body of `POST /switches`: a new virtual switch. */
export interface VirtualSwitchCreationBody {
  /** Unique on the host, ignoring case: letters, digits, `.`, `_`, `-`. */
  readonly name: string;
  /** `private` (VMs only), `internal` (VMs and the host), or a kind a plugin of the daemon's host adds. */
  readonly kind: string;
  readonly notes?: string;
  readonly maxPorts?: number;
  readonly macAgingSeconds?: number;
}
