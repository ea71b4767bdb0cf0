import { schema, type ConfigOf, type DeviceClass } from '@tsvisor/device-sdk';
import { HEARTBEAT_INTERFACE_ID } from '../protocol/heartbeat.js';

const heartbeatConfig = schema.object({
  intervalMs: schema.integer({ min: 10, max: 60_000, default: 1_000, description: 'Time between heartbeat requests, in milliseconds.' }),
  missedLimit: schema.integer({ min: 1, max: 100, default: 3, description: 'Unanswered requests in a row after which communication counts as lost.' }),
});

/** Configuration of the heartbeat service. */
export type HeartbeatConfig = ConfigOf<typeof heartbeatConfig>;

/** The heartbeat integration service: the host learns whether the guest is alive. */
export const heartbeatClass: DeviceClass<HeartbeatConfig> = {
  id: 'integration.heartbeat',
  interfaceType: HEARTBEAT_INTERFACE_ID,
  displayName: 'Heartbeat',
  config: heartbeatConfig,
  channel: { pipeMode: 'message', ringPages: 4 },
};
