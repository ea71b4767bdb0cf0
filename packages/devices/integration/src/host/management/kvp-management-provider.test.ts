import { DeviceConfigError } from '@tsvisor/device-sdk';
import type { DeviceOperation } from '@tsvisor/device-sdk/host';
import { connectDevice, type DeviceTestBed } from '@tsvisor/device-sdk/testing';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { afterEach, describe, expect, it } from 'vitest';
import { KvpDriver, type GuestKvp } from '../../guest/kvp-driver.js';
import { KvpPool } from '../../protocol/kvp.js';
import { KvpValueType } from '../../protocol/kvp-value.js';
import { KvpRequestError, KvpVspFactory, type KvpVsp } from '../kvp-vsp.js';
import { KvpManagementProvider } from './kvp-management-provider.js';

let bed: DeviceTestBed<GuestKvp> | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

/** A KVP device whose channel is negotiated, and a caller of its operations as the worker process calls them. */
async function connect(): Promise<{ vsp: KvpVsp; guest: GuestKvp; invoke: (name: string, input: unknown) => Promise<unknown> }> {
  bed = await connectDevice({ factory: new KvpVspFactory(), driver: new KvpDriver(), config: { requestTimeoutMs: 2_000 } });
  const vsp = bed.vsp as KvpVsp;
  await firstValueFrom(vsp.available$.pipe(filter(Boolean), timeout(5_000)));
  const operations = new KvpManagementProvider().manage(vsp).operations ?? {};
  const invoke = async (name: string, input: unknown): Promise<unknown> => {
    const operation: DeviceOperation | undefined = operations[name];
    if (!operation) throw new Error(`no operation ${name}`);
    const result = await operation.invoke(operation.input.parse(input), new AbortController().signal);
    expect(JSON.parse(JSON.stringify(result))).toEqual(result);
    return result;
  };
  return { vsp, guest: bed.device, invoke };
}

describe('KvpManagementProvider', () => {
  it('manages integration.kvp devices with four operations', async () => {
    const { vsp } = await connect();
    const operations = new KvpManagementProvider().manage(vsp).operations ?? {};
    expect(new KvpManagementProvider().classId).toBe('integration.kvp');
    expect(Object.keys(operations)).toEqual(['kvp.get', 'kvp.set', 'kvp.delete', 'kvp.enumerate']);
    expect(operations['kvp.enumerate']!.input.jsonSchema()).toMatchObject({
      type: 'object',
      required: ['pool'],
      properties: { pool: { enum: ['EXTERNAL', 'GUEST', 'AUTO', 'AUTO_EXTERNAL', 'AUTO_INTERNAL'] } },
    });
  });

  it('sets a value the guest then sees in its External pool, and deletes it', async () => {
    const { guest, invoke } = await connect();
    expect(await invoke('kvp.set', { pool: 'EXTERNAL', key: 'HostName', value: 'tsvisor-host' })).toEqual({ key: 'HostName', value: 'tsvisor-host', type: 'string' });
    expect(guest.get(KvpPool.EXTERNAL, 'HostName')).toEqual({ type: KvpValueType.STRING, text: 'tsvisor-host' });
    expect(await invoke('kvp.set', { pool: 'AUTO_EXTERNAL', key: 'Replicas', value: 3 })).toEqual({ key: 'Replicas', value: 3, type: 'dword' });
    expect(guest.get(KvpPool.AUTO_EXTERNAL, 'Replicas')).toEqual({ type: KvpValueType.DWORD, value: 3 });
    expect(await invoke('kvp.set', { pool: 'EXTERNAL', key: 'Epoch', value: 2 ** 40 })).toEqual({ key: 'Epoch', value: 2 ** 40, type: 'qword' });
    expect(guest.get(KvpPool.EXTERNAL, 'Epoch')).toEqual({ type: KvpValueType.QWORD, value: 2n ** 40n });

    expect(await invoke('kvp.delete', { pool: 'EXTERNAL', key: 'HostName' })).toEqual({ key: 'HostName', deleted: true });
    expect(guest.get(KvpPool.EXTERNAL, 'HostName')).toBeUndefined();
    expect(await invoke('kvp.delete', { pool: 'EXTERNAL', key: 'HostName' })).toEqual({ key: 'HostName', deleted: false });
  });

  it('reads what the guest publishes, one key or the whole pool', async () => {
    const { guest, invoke } = await connect();
    guest.set('Role', 'web');
    guest.set('Epoch', { type: KvpValueType.QWORD, value: 2n ** 60n });
    expect(await invoke('kvp.get', { pool: 'GUEST', key: 'Role' })).toEqual({ key: 'Role', value: 'web', type: 'string' });
    expect(await invoke('kvp.get', { pool: 'GUEST', key: 'NoSuchKey' })).toEqual({ key: 'NoSuchKey', value: null });
    expect(await invoke('kvp.enumerate', { pool: 'GUEST' })).toEqual({
      records: [
        { key: 'Role', value: 'web', type: 'string' },
        { key: 'Epoch', value: (2n ** 60n).toString(), type: 'qword' },
      ],
    });
    expect(await invoke('kvp.enumerate', { pool: 'AUTO_INTERNAL' })).toEqual({ records: [] });
  });

  it('rejects as the VSP does when the guest refuses a write', async () => {
    const { guest, invoke } = await connect();
    guest.set('Role', 'web');
    const refused = invoke('kvp.set', { pool: 'GUEST', key: 'Role', value: 'db' });
    await expect(refused).rejects.toBeInstanceOf(KvpRequestError);
    await expect(refused).rejects.toMatchObject({ reason: 'refused' });
    expect(guest.get(KvpPool.GUEST, 'Role')).toEqual({ type: KvpValueType.STRING, text: 'web' });
  });

  it.each([
    ['kvp.get', { pool: 'nope', key: 'k' }, 'pool'],
    ['kvp.get', { pool: 'GUEST' }, 'key'],
    ['kvp.get', 'GUEST/Role', ''],
    ['kvp.get', { pool: 'GUEST', key: 'Role', value: 'x' }, 'value'],
    ['kvp.set', { pool: 'EXTERNAL', key: 'k' }, 'value'],
    ['kvp.set', { pool: 'EXTERNAL', key: 'k', value: true }, 'value'],
    ['kvp.set', { pool: 'EXTERNAL', key: 'k', value: -1 }, 'value'],
    ['kvp.set', { pool: 'EXTERNAL', key: 'k', value: 'v'.repeat(1_024) }, 'value'],
    ['kvp.set', { pool: 'EXTERNAL', key: 'k'.repeat(256), value: 'v' }, 'key'],
    ['kvp.set', { pool: 'EXTERNAL', key: '\u{1F600}'.repeat(200), value: 'v' }, 'key'],
    ['kvp.set', { pool: 'EXTERNAL', key: 'nul\0inside', value: 'v' }, 'key'],
    ['kvp.delete', { pool: 7, key: 'k' }, 'pool'],
    ['kvp.enumerate', null, ''],
    ['kvp.enumerate', {}, 'pool'],
  ])('rejects %s of %j with a DeviceConfigError naming %j, and sends nothing', async (name, input, field) => {
    const { vsp, guest, invoke } = await connect();
    const requests = vsp.counters().requests;
    const call = invoke(name, input);
    await expect(call).rejects.toBeInstanceOf(DeviceConfigError);
    await expect(call).rejects.toMatchObject({ field });
    expect(vsp.counters().requests).toBe(requests);
    expect(guest.entries(KvpPool.EXTERNAL)).toEqual(new Map());
  });
});
