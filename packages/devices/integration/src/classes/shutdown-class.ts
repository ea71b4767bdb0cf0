import { schema, type ConfigOf, type DeviceClass } from '@tsvisor/device-sdk';
import { SHUTDOWN_INTERFACE_ID } from '../protocol/shutdown.js';

const shutdownConfig = schema.object({
  timeoutSeconds: schema.integer({ min: 1, max: 3_600, default: 30, description: 'Time a guest gets to accept or veto a shutdown request, in seconds.' }),
});

/** Configuration of the shutdown service. */
export type ShutdownConfig = ConfigOf<typeof shutdownConfig>;

/** The shutdown integration service: guest-assisted (orderly) shutdown and restart. */
export const shutdownClass: DeviceClass<ShutdownConfig> = {
  id: 'integration.shutdown',
  interfaceType: SHUTDOWN_INTERFACE_ID,
  displayName: 'Shutdown',
  config: shutdownConfig,
  channel: { pipeMode: 'message', ringPages: 4 },
};
