/**
 * What the host process hands a device's VSP when the VM runs in a worker process of its own: how
 * to reach a service that lives in the host process (a virtual switch, say) and a secret that
 * proves which VM and device it is — plain strings, since they cross to the worker with its
 * start command. The VSP finds it as `VspContext.hostGrant`.
 */
export type DeviceHostGrant = Readonly<Record<string, string>>;

/** A {@link DeviceHostGrant} the host process made for one device of one VM, until revoked. */
export interface DeviceHostGrantLease {
  readonly grant: DeviceHostGrant;
  /** The worker is gone: the host process withdraws what it granted (idempotent). */
  revoke(): void;
}

/** The device a grant is asked for. */
export interface DeviceHostGrantRequest<Config> {
  /** The device's validated configuration. */
  readonly config: Config;
  /** The device's instance GUID. */
  readonly instanceId: string;
  /** The VM's name. */
  readonly vmName: string;
}
