import { readFileSync } from 'node:fs';
import { connectDevice, type DeviceTestBed } from '@tsvisor/device-sdk/testing';
import { filter, firstValueFrom, timeout } from 'rxjs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { INTEGRATION_SERVICES_VERSION, KvpDriver, KvpPoolFullError, type GuestKvp } from './guest/kvp-driver.js';
import { KVP_MAX_ENUMERATED_RECORDS, KVP_MAX_QUEUED_REQUESTS, KvpRequestError, KvpVspFactory, type KvpVsp } from './host/kvp-vsp.js';
import { IntegrationServiceUnavailableError } from './host/service-unavailable-error.js';
import { IC_HEADER_SIZE, IcStatus } from './protocol/icmsg-header.js';
import { icVersion } from './protocol/ic-version.js';
import { KvpOperation, KvpPool, answerKvpEnumerate, readKvpRequest } from './protocol/kvp.js';
import { KvpValueType } from './protocol/kvp-value.js';

let bed: DeviceTestBed<GuestKvp> | undefined;
afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

/** Connects a KVP VSP to `driver` and waits until the channel is negotiated. */
async function connect(
  driver: KvpDriver = new KvpDriver(),
  requestTimeoutMs = 2_000,
): Promise<{ vsp: KvpVsp; guest: GuestKvp; bed: DeviceTestBed<GuestKvp> }> {
  const connected = await connectDevice({ factory: new KvpVspFactory(), driver, config: { requestTimeoutMs } });
  bed = connected;
  const vsp = connected.vsp as KvpVsp;
  await firstValueFrom(vsp.available$.pipe(filter(Boolean), timeout(5_000)));
  return { vsp, guest: connected.device, bed: connected };
}

const text = (value: string) => ({ type: KvpValueType.STRING, text: value });

/** A guest that lists records for ever: a hostile or broken daemon. */
class EndlessEnumerationDriver extends KvpDriver {
  protected override answer(device: GuestKvp, request: Uint8Array): Uint8Array | undefined {
    const kvp = readKvpRequest(request);
    if (kvp.operation !== KvpOperation.ENUMERATE) return super.answer(device, request);
    return answerKvpEnumerate(request, { key: `key-${kvp.index}`, value: text('again') });
  }
}

/** A guest whose answers name another pool than the request's. */
class WrongPoolDriver extends KvpDriver {
  protected override answer(device: GuestKvp, request: Uint8Array): Uint8Array | undefined {
    const response = super.answer(device, request);
    if (response) response[IC_HEADER_SIZE + 1] = KvpPool.AUTO_INTERNAL;
    return response;
  }
}

/** A guest that speaks only a KVP version no host offers. */
class KvpFromTheFutureDriver extends KvpDriver {
  protected override readonly serviceVersions = [icVersion(9, 9)];
}

describe('KVP exchange service', () => {
  it('delivers what the host sets in the External pool to the guest, and lets the host delete it', async () => {
    const { vsp, guest } = await connect();
    await vsp.set(KvpPool.EXTERNAL, 'HostName', 'tsvisor-host');
    expect(guest.get(KvpPool.EXTERNAL, 'HostName')).toEqual(text('tsvisor-host'));
    expect(await vsp.get(KvpPool.EXTERNAL, 'HostName')).toEqual(text('tsvisor-host'));

    expect(await vsp.delete(KvpPool.EXTERNAL, 'HostName')).toBe(true);
    expect(guest.get(KvpPool.EXTERNAL, 'HostName')).toBeUndefined();
    expect(await vsp.get(KvpPool.EXTERNAL, 'HostName')).toBeUndefined();
    expect(await vsp.delete(KvpPool.EXTERNAL, 'HostName')).toBe(false);
    expect(vsp.counters()).toMatchObject({ rejected: 0, timeouts: 0, unsupported: 0 });
  });

  it('lets the host read what the guest publishes in its Guest pool, in insertion order', async () => {
    const { vsp, guest } = await connect();
    guest.set('Role', 'web');
    guest.set('Replicas', { type: KvpValueType.DWORD, value: 3 });
    guest.set('Epoch', { type: KvpValueType.QWORD, value: 2n ** 40n });
    expect(await vsp.get(KvpPool.GUEST, 'Role')).toEqual(text('web'));
    expect([...(await vsp.enumerate(KvpPool.GUEST))]).toEqual([
      ['Role', text('web')],
      ['Replicas', { type: KvpValueType.DWORD, value: 3 }],
      ['Epoch', { type: KvpValueType.QWORD, value: 2n ** 40n }],
    ]);
    expect(guest.delete('Replicas')).toBe(true);
    expect([...(await vsp.enumerate(KvpPool.GUEST)).keys()]).toEqual(['Role', 'Epoch']);
    expect(await vsp.enumerate(KvpPool.AUTO_INTERNAL)).toEqual(new Map());
  });

  it('answers a missing key with no value', async () => {
    const { vsp } = await connect();
    expect(await vsp.get(KvpPool.GUEST, 'NoSuchKey')).toBeUndefined();
    expect(await vsp.get(KvpPool.EXTERNAL, 'NoSuchKey')).toBeUndefined();
  });

  it('generates the Auto pool facts at bind', async () => {
    const { vsp, guest } = await connect(new KvpDriver({ autoFacts: { FullyQualifiedDomainName: 'guest.test' } }));
    const packageVersion = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    expect(INTEGRATION_SERVICES_VERSION).toBe(packageVersion);
    const auto = await vsp.enumerate(KvpPool.AUTO);
    expect(auto).toEqual(
      new Map([
        ['OSName', text('tsvisor guest')],
        ['IntegrationServicesVersion', text(packageVersion)],
        ['FullyQualifiedDomainName', text('guest.test')],
      ]),
    );
    expect(guest.entries(KvpPool.AUTO)).toEqual(auto);
  });

  it('refuses host writes to the pools the guest owns', async () => {
    const { vsp, guest } = await connect();
    guest.set('Role', 'web');
    const refused = vsp.set(KvpPool.GUEST, 'Role', 'db');
    await expect(refused).rejects.toBeInstanceOf(KvpRequestError);
    await expect(refused).rejects.toMatchObject({ reason: 'refused', status: IcStatus.E_FAIL });
    await expect(vsp.set(KvpPool.AUTO, 'OSName', 'other')).rejects.toMatchObject({ reason: 'refused' });
    expect(await vsp.delete(KvpPool.GUEST, 'Role')).toBe(false);
    expect(guest.get(KvpPool.GUEST, 'Role')).toEqual(text('web'));
    expect(guest.get(KvpPool.AUTO, 'OSName')).toEqual(text('tsvisor guest'));
    await vsp.set(KvpPool.AUTO_EXTERNAL, 'VirtualMachineName', 'vm1');
    expect(guest.get(KvpPool.AUTO_EXTERNAL, 'VirtualMachineName')).toEqual(text('vm1'));
  });

  it('serves concurrent host calls one at a time, in call order', async () => {
    const { vsp } = await connect();
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 10; i++) {
      calls.push(vsp.set(KvpPool.EXTERNAL, `key-${i}`, `value-${i}`));
      calls.push(vsp.get(KvpPool.EXTERNAL, `key-${i}`));
    }
    const results = await Promise.all(calls);
    for (let i = 0; i < 10; i++) {
      expect(results[2 * i]).toBeUndefined();
      expect(results[2 * i + 1]).toEqual(text(`value-${i}`));
    }
    expect((await vsp.enumerate(KvpPool.EXTERNAL)).size).toBe(10);
    expect(vsp.counters()).toMatchObject({ rejected: 0, timeouts: 0 });
  });

  it(`refuses more than ${KVP_MAX_QUEUED_REQUESTS} waiting calls without sending them`, async () => {
    const { vsp } = await connect();
    const calls = Array.from({ length: KVP_MAX_QUEUED_REQUESTS }, (_, i) => vsp.get(KvpPool.EXTERNAL, `key-${i}`));
    await expect(vsp.get(KvpPool.EXTERNAL, 'one-too-many')).rejects.toMatchObject({ reason: 'busy' });
    expect(await Promise.all(calls)).toEqual(calls.map(() => undefined));
    expect(await vsp.get(KvpPool.AUTO, 'OSName')).toEqual(text('tsvisor guest'));
  });

  it('times out when the guest stops answering, and works again once it answers', async () => {
    const { vsp, guest } = await connect(new KvpDriver(), 200);
    guest.answering = false;
    const unanswered = vsp.get(KvpPool.AUTO, 'OSName');
    const queued = vsp.enumerate(KvpPool.AUTO);
    await expect(unanswered).rejects.toBeInstanceOf(KvpRequestError);
    await expect(unanswered).rejects.toMatchObject({ reason: 'timeout', timeoutMs: 200 });
    await expect(unanswered).rejects.toThrow('KVP GET of key "OSName" in pool AUTO failed: the guest did not answer within 200 ms');
    await expect(queued).rejects.toMatchObject({ reason: 'timeout' });
    expect(vsp.counters().timeouts).toBe(2);

    guest.answering = true;
    expect(await vsp.get(KvpPool.AUTO, 'OSName')).toEqual(text('tsvisor guest'));
    await vsp.set(KvpPool.EXTERNAL, 'HostName', 'tsvisor-host');
    expect(guest.get(KvpPool.EXTERNAL, 'HostName')).toEqual(text('tsvisor-host'));
  });

  it('bounds each guest pool: a host SET of a new key into a full pool fails', async () => {
    const { vsp, guest } = await connect(new KvpDriver({ poolCapacity: 3 }));
    for (const key of ['a', 'b', 'c']) await vsp.set(KvpPool.EXTERNAL, key, key);
    await expect(vsp.set(KvpPool.EXTERNAL, 'd', 'd')).rejects.toMatchObject({ reason: 'refused', status: IcStatus.E_FAIL });
    await vsp.set(KvpPool.EXTERNAL, 'a', 'replaced');
    expect(guest.entries(KvpPool.EXTERNAL)).toEqual(new Map([['a', text('replaced')], ['b', text('b')], ['c', text('c')]]));
    for (const key of ['x', 'y', 'z']) guest.set(key, key);
    expect(() => guest.set('w', 'w')).toThrow(KvpPoolFullError);
  });

  it(`stops an endless enumeration after ${KVP_MAX_ENUMERATED_RECORDS} records`, async () => {
    const { vsp } = await connect(new EndlessEnumerationDriver());
    const records = await vsp.enumerate(KvpPool.GUEST);
    expect(records.size).toBe(KVP_MAX_ENUMERATED_RECORDS);
    expect(records.get(`key-${KVP_MAX_ENUMERATED_RECORDS - 1}`)).toEqual(text('again'));
  });

  it('rejects a malformed answer, counts it, and goes on', async () => {
    const { vsp } = await connect(new WrongPoolDriver());
    await expect(vsp.get(KvpPool.AUTO, 'OSName')).rejects.toMatchObject({ reason: 'malformed-answer' });
    await expect(vsp.get(KvpPool.AUTO, 'OSName')).rejects.toMatchObject({ reason: 'malformed-answer' });
    expect(vsp.counters()).toMatchObject({ rejected: 2, timeouts: 0 });
  });

  it('checks keys, values and pools before sending anything', async () => {
    const { vsp } = await connect();
    const before = vsp.counters().requests;
    await expect(vsp.get(KvpPool.GUEST, 'k'.repeat(256))).rejects.toThrow(RangeError);
    await expect(vsp.set(KvpPool.EXTERNAL, 'Big', 'v'.repeat(1024))).rejects.toThrow(RangeError);
    await expect(vsp.set(KvpPool.EXTERNAL, 'Count', { type: KvpValueType.DWORD, value: -1 })).rejects.toThrow(RangeError);
    await expect(vsp.delete(7 as KvpPool, 'k')).rejects.toThrow(RangeError);
    expect(vsp.counters().requests).toBe(before);
  });

  it('rejects calls with IntegrationServiceUnavailableError when no channel is negotiated', async () => {
    const { vsp, bed: connected } = await connect();
    await connected.rescind();
    expect(vsp.available).toBe(false);
    const call = vsp.get(KvpPool.AUTO, 'OSName');
    await expect(call).rejects.toBeInstanceOf(IntegrationServiceUnavailableError);
    await expect(call).rejects.toMatchObject({ classId: 'integration.kvp', reason: 'not-connected' });
  });

  it('reports a guest without a common version as unsupported', async () => {
    bed = await connectDevice({ factory: new KvpVspFactory(), driver: new KvpFromTheFutureDriver() });
    const vsp = bed.vsp as KvpVsp;
    await vi.waitFor(() => expect(vsp.counters().unsupported).toBe(1), { timeout: 5_000 });
    await expect(vsp.set(KvpPool.EXTERNAL, 'HostName', 'h')).rejects.toMatchObject({ reason: 'unsupported' });
    expect(vsp.available).toBe(false);
  });
});
