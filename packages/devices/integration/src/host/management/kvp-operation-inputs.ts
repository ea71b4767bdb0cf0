import { DeviceConfigError, schema, type ConfigOf, type ConfigSchema } from '@tsvisor/device-sdk';
import { KvpPool } from '../../protocol/kvp.js';
import { KVP_MAX_KEY_SIZE, KVP_MAX_VALUE_SIZE, encodeKvpString } from '../../protocol/kvp-value.js';

/** A pool by its name in the host API: a key of {@link KvpPool}, e.g. `EXTERNAL`. */
export type KvpPoolName = keyof typeof KvpPool;

const POOL_NAMES = Object.keys(KvpPool) as [KvpPoolName, ...KvpPoolName[]];

/**
 * A string that fits a KVP field of `capacity` bytes as UTF-16 with its NUL. `maxLength` counts
 * code points (as JSON Schema does), the field UTF-16 code units: the wire check settles it.
 */
function kvpString(capacity: number, description: string): ConfigSchema<string> {
  const text = schema.string({ maxLength: capacity / 2 - 1, description });
  return {
    parse(value, path = '') {
      const parsed = text.parse(value, path);
      try {
        encodeKvpString(parsed, capacity);
      } catch (error) {
        if (error instanceof RangeError) throw new DeviceConfigError(path, error.message);
        throw error;
      }
      return parsed;
    },
    jsonSchema: () => text.jsonSchema(),
  };
}

const pool = schema.string({ enum: POOL_NAMES, description: `The KVP pool: ${POOL_NAMES.join(', ')}. The host writes EXTERNAL and AUTO_EXTERNAL.` });
const key = kvpString(KVP_MAX_KEY_SIZE, 'The key: at most 255 UTF-16 code units, no NUL.');
const value = schema.oneOf([
  kvpString(KVP_MAX_VALUE_SIZE, 'A string (REG_SZ): at most 1023 UTF-16 code units, no NUL.'),
  schema.integer({ min: 0, max: Number.MAX_SAFE_INTEGER, description: 'An integer: a DWORD up to 4294967295, a QWORD above.' }),
]);

/** Input of `kvp.get` and `kvp.delete`: `{ pool, key }`. */
export const kvpKeyInput = schema.object({ pool, key });
/** Input of `kvp.set`: `{ pool, key, value }`, the value a string or a non-negative integer. */
export const kvpSetInput = schema.object({ pool, key, value });
/** Input of `kvp.enumerate`: `{ pool }`. */
export const kvpPoolInput = schema.object({ pool });

/** A checked `{ pool, key }`. */
export type KvpKeyInput = ConfigOf<typeof kvpKeyInput>;
/** A checked `{ pool, key, value }`. */
export type KvpSetInput = ConfigOf<typeof kvpSetInput>;
/** A checked `{ pool }`. */
export type KvpPoolInput = ConfigOf<typeof kvpPoolInput>;
