import { schema, type ConfigOf, type DeviceClass } from '@tsvisor/device-sdk';

/**
 * A test device that reads host files for the guest: the guest sends a path, the VSP reads it.
 * A deliberately careless VSP (a confused deputy), to show that the worker process's permission
 * model, not the VSP's care, is what keeps a guest from the host's files.
 */
const hostFileConfig = schema.object({
  readable: schema.array(schema.string({ minLength: 1 }), { default: [] }),
});

/** Its configuration: host files the device declares it needs (granted to the worker process). */
export type HostFileConfig = ConfigOf<typeof hostFileConfig>;

export const hostFileClass: DeviceClass<HostFileConfig> = {
  id: 'test.host-file',
  interfaceType: '6f1d2c3b-4a59-4e87-9d0c-7b3a2e1f0a11',
  displayName: 'Host file reader (test)',
  config: hostFileConfig,
  channel: { ringPages: 16, maxCompletionSize: 2048 },
};

/** Completion status: the file was read. */
export const READ_OK = 0;
/** Completion status: the permission model refused (`ERR_ACCESS_DENIED`). */
export const READ_DENIED = 1;
/** Completion status: another error (missing file, …). */
export const READ_FAILED = 2;
