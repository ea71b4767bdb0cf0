import { createGuestRealm, loadIntoGuestRealm } from '@tsvisor/wire/testing';
import { runInContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import type * as Ip from './index.js';
import type * as Cable from './test-fixtures/ethernet-cable.js';

describe('on the guest side', () => {
  const realm = createGuestRealm();
  const ip = loadIntoGuestRealm(realm, new URL('./index.ts', import.meta.url)) as typeof Ip;
  const { EthernetCable } = loadIntoGuestRealm(realm, new URL('./test-fixtures/ethernet-cable.ts', import.meta.url)) as typeof Cable;

  it('loads into a realm without host globals or timers', () => {
    for (const name of ['Buffer', 'TextEncoder', 'process', 'require', 'setTimeout', 'setInterval', 'queueMicrotask']) {
      expect(runInContext(`typeof ${name}`, realm)).toBe('undefined');
    }
  });

  it('resolves, pings and exchanges UDP with realm-local code, time driven by tick', async () => {
    let now = 0;
    const clock = (): number => now;
    const cable = new EthernetCable(ip.macAddress('02:00:00:00:00:01'), ip.macAddress('02:00:00:00:00:02'));
    const netmask = ip.ipv4Address('255.255.255.0');
    const a = new ip.IpStack(cable.a, { address: ip.ipv4Address('192.168.0.1'), netmask, clock });
    const b = new ip.IpStack(cable.b, { address: ip.ipv4Address('192.168.0.2'), netmask, clock });
    const rtt = a.ping(b.address, { timeoutMs: 100 });
    now = 7;
    cable.flush();
    await expect(rtt).resolves.toBe(7);
    const server = b.bind(53);
    const sent = a.bind().send(b.address, 53, runInContext('new Uint8Array([1, 2, 3])', realm) as Uint8Array);
    cable.flush();
    await sent;
    expect([...server.receive()!.payload]).toEqual([1, 2, 3]);
    cable.cut();
    const lost = a.ping(b.address, { timeoutMs: 100 });
    now = 107;
    a.tick();
    await expect(lost).rejects.toMatchObject({ name: 'PingTimeoutError', timeoutMs: 100 });
  });
});
