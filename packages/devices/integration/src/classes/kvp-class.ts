import { schema, type ConfigOf, type DeviceClass } from '@tsvisor/device-sdk';
import { KVP_INTERFACE_ID } from '../protocol/kvp.js';

const kvpConfig = schema.object({
  requestTimeoutMs: schema.integer({ min: 10, max: 60_000, default: 5_000, description: 'Time the host waits for the guest to answer one KVP request, in milliseconds.' }),
});

/** Configuration of the key-value pair exchange service. */
export type KvpConfig = ConfigOf<typeof kvpConfig>;

/** The key-value pair exchange integration service: the host and the guest share string-keyed pools of values. */
export const kvpClass: DeviceClass<KvpConfig> = {
  id: 'integration.kvp',
  interfaceType: KVP_INTERFACE_ID,
  displayName: 'Key-Value Pair Exchange',
  config: kvpConfig,
  channel: { pipeMode: 'message', ringPages: 4 },
};
