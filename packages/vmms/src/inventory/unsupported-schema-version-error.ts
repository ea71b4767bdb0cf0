import { DeviceConfigError } from '@tsvisor/device-sdk';

/**
 * A VM configuration written for a `schemaVersion` this VMMS does not read: refused by name rather
 * than misread, so that a configuration from a newer VMMS is never silently half-understood. It is
 * a `DeviceConfigError` (its `name` says so too), so callers handling bad input handle this as well.
 */
export class UnsupportedSchemaVersionError extends DeviceConfigError {
  constructor(
    /** The version the configuration says it has, as found (it may not even be a number). */
    readonly version: unknown,
    /** The versions this VMMS reads. */
    readonly supported: readonly number[],
    /** Where `schemaVersion` sits, e.g. `schemaVersion`. */
    field = 'schemaVersion',
  ) {
    super(field, `is ${version === undefined ? 'missing' : JSON.stringify(version)}; this VMMS reads version ${supported.join(', ')} only`);
  }
}
