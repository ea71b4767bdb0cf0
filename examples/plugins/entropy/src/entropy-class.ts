import { schema, type ConfigOf, type DeviceClass } from '@tsvisor/device-sdk';
import { ENTROPY_INTERFACE_ID, ENTROPY_MAX_REQUEST_BYTES, entropyResponseSize } from './protocol/entropy-protocol.js';

const entropyConfig = schema.object({
  maxRequestBytes: schema.integer({
    min: 1,
    max: ENTROPY_MAX_REQUEST_BYTES,
    default: 4096,
    description: 'The most bytes one request may ask for; the guest driver splits larger reads.',
  }),
  bytesPerSecond: schema.optional(
    schema.integer({
      min: 1,
      max: 0xffff_ffff,
      description: 'Rate limit (token bucket). Requests beyond it wait for their turn; none by default.',
    }),
  ),
});

/** Configuration of an entropy device. */
export type EntropyConfig = ConfigOf<typeof entropyConfig>;

/**
 * The largest completion: a header and a full request's data. A class's channel settings are fixed
 * (not per VM), so they cover the largest `maxRequestBytes` a configuration may choose.
 */
const MAX_COMPLETION_SIZE = entropyResponseSize(ENTROPY_MAX_REQUEST_BYTES);

/**
 * Pages of each ring: a channel reserves room for its completions and needs four of the largest in
 * its ring, so 65 data pages plus the control page (528 KiB of guest memory for both rings).
 */
const RING_PAGES = 66;

/** The entropy source: the guest reads random bytes the host draws from its own CSPRNG. */
export const entropyClass: DeviceClass<EntropyConfig> = {
  id: 'acme.entropy',
  interfaceType: ENTROPY_INTERFACE_ID,
  displayName: 'Entropy source',
  config: entropyConfig,
  channel: { ringPages: RING_PAGES, maxCompletionSize: MAX_COMPLETION_SIZE },
};
