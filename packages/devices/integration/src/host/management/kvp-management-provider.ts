import type { DeviceManagement, DeviceOperation, ManagementProvider } from '@tsvisor/device-sdk/host';
import { kvpClass } from '../../classes/kvp-class.js';
import { KvpPool } from '../../protocol/kvp.js';
import type { KvpVsp } from '../kvp-vsp.js';
import { kvpKeyInput, kvpPoolInput, kvpSetInput, type KvpKeyInput, type KvpPoolInput, type KvpSetInput } from './kvp-operation-inputs.js';
import { kvpRecordJson, kvpValueOf, type KvpRecordJson } from './kvp-record-json.js';

/** What `kvp.get` answers: the record, or `value: null` when the guest has no such key. */
export type KvpGetResult = KvpRecordJson | { readonly key: string; readonly value: null };

/** What `kvp.delete` answers: `deleted` is false when the guest had no such key or refused (a pool the host may not change). */
export interface KvpDeleteResult {
  readonly key: string;
  readonly deleted: boolean;
}

/** What `kvp.enumerate` answers: the pool's records in the guest's order. */
export interface KvpEnumerateResult {
  readonly records: readonly KvpRecordJson[];
}

/** The operations of one KVP device, by name. */
function kvpOperations(vsp: KvpVsp): Readonly<Record<string, DeviceOperation>> {
  const get: DeviceOperation<KvpKeyInput> = {
    description: 'Reads one key of a pool from the guest.',
    input: kvpKeyInput,
    async invoke({ pool, key }, signal): Promise<KvpGetResult> {
      signal.throwIfAborted();
      const value = await vsp.get(KvpPool[pool], key);
      return value ? kvpRecordJson(key, value) : { key, value: null };
    },
  };
  const set: DeviceOperation<KvpSetInput> = {
    description: 'Sets one key in a pool the host writes (EXTERNAL, AUTO_EXTERNAL) of the guest.',
    input: kvpSetInput,
    async invoke({ pool, key, value }, signal): Promise<KvpRecordJson> {
      signal.throwIfAborted();
      const typed = kvpValueOf(value);
      await vsp.set(KvpPool[pool], key, typed);
      return kvpRecordJson(key, typed);
    },
  };
  const remove: DeviceOperation<KvpKeyInput> = {
    description: 'Removes one key from a pool the host writes (EXTERNAL, AUTO_EXTERNAL) of the guest.',
    input: kvpKeyInput,
    async invoke({ pool, key }, signal): Promise<KvpDeleteResult> {
      signal.throwIfAborted();
      return { key, deleted: await vsp.delete(KvpPool[pool], key) };
    },
  };
  const enumerate: DeviceOperation<KvpPoolInput> = {
    description: 'Lists every record of a pool of the guest.',
    input: kvpPoolInput,
    async invoke({ pool }, signal): Promise<KvpEnumerateResult> {
      signal.throwIfAborted();
      const records = await vsp.enumerate(KvpPool[pool]);
      return { records: [...records].map(([key, value]) => kvpRecordJson(key, value)) };
    },
  };
  return { 'kvp.get': get, 'kvp.set': set, 'kvp.delete': remove, 'kvp.enumerate': enumerate };
}

/**
 * Management of `integration.kvp` devices: the host's KVP calls as operations, each input checked
 * by its schema (a `DeviceConfigError` names the bad field, and nothing reaches the guest), each
 * result plain JSON. Pools go by their {@link KvpPool} names (`EXTERNAL`, `GUEST`, `AUTO`,
 * `AUTO_EXTERNAL`, `AUTO_INTERNAL`):
 * - `kvp.get` `{ pool, key }` → `{ key, value, type }`, or `{ key, value: null }` if the guest has none;
 * - `kvp.set` `{ pool, key, value }` (a string, or an integer from 0 to 2^53 − 1) → the record set;
 * - `kvp.delete` `{ pool, key }` → `{ key, deleted }`;
 * - `kvp.enumerate` `{ pool }` → `{ records: [{ key, value, type }…] }`.
 *
 * A call the guest cannot serve rejects as the VSP's does: `IntegrationServiceUnavailableError`
 * (no open channel) or `KvpRequestError` (timeout, refused, malformed answer, busy).
 */
export class KvpManagementProvider implements ManagementProvider<KvpVsp> {
  readonly classId = kvpClass.id;

  manage(vsp: KvpVsp): DeviceManagement {
    return { operations: kvpOperations(vsp) };
  }
}
