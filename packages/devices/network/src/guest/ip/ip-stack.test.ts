import { describe, expect, it } from 'vitest';
import { ArpQueueFullError } from './arp-queue-full-error.js';
import { ArpResolutionError } from './arp-resolution-error.js';
import { IpStack } from './ip-stack.js';
import { IpStackClosedError } from './ip-stack-closed-error.js';
import { IpStackConfigError } from './ip-stack-config-error.js';
import { ipv4Address } from './ipv4-address.js';
import { BROADCAST_MAC, readMac } from '../../protocol/mac-address.js';
import { NoRouteError } from './no-route-error.js';
import { PayloadTooLargeError } from './payload-too-large-error.js';
import { PingTimeoutError } from './ping-timeout-error.js';
import { PortInUseError } from './port-in-use-error.js';
import { SocketClosedError } from './socket-closed-error.js';
import { ADDRESS_A, ADDRESS_B, connectedStacks, MAC_A, MAC_B, ManualClock, NETMASK } from './test-fixtures/connected-stacks.js';
import { EthernetCable } from './test-fixtures/ethernet-cable.js';

const text = (value: string): Uint8Array => Uint8Array.from(value, (char) => char.charCodeAt(0));

/** Whether `promise` has settled, without waiting for it to. */
async function settled(promise: Promise<unknown>): Promise<boolean> {
  let done = false;
  promise.then(
    () => (done = true),
    () => (done = true),
  );
  await Promise.resolve();
  await Promise.resolve();
  return done;
}

describe('IpStack', () => {
  it('announces its address with a gratuitous ARP when configured', () => {
    const { cable, a } = connectedStacks();
    const [announcement] = cable.a.sent;
    expect(readMac(announcement!, 0)).toBe(BROADCAST_MAC);
    expect(a.counters.arp.sent).toBe(1);
    expect(cable.a.sent).toHaveLength(1);
  });

  it('resolves the peer by ARP, then pings it and measures the round trip by the clock', async () => {
    const { cable, clock, a, b } = connectedStacks();
    clock.now = 100;
    const rtt = a.ping(ADDRESS_B, { timeoutMs: 1000 });
    expect(a.counters.arp.sent).toBe(2); // announcement, then the request for 10.0.0.2
    clock.now = 103;
    expect(cable.flush()).toBe(4); // request, reply, echo request, echo reply
    await expect(rtt).resolves.toBe(3);
    expect(b.counters.icmp).toMatchObject({ received: 1, sent: 1 });
    // b learned a's address from the request addressed to it: its ping needs no ARP.
    const back = b.ping(ADDRESS_A, { timeoutMs: 1000, payload: text('hello') });
    expect(b.counters.arp.sent).toBe(2); // announcement and reply only
    cable.flush();
    await expect(back).resolves.toBe(0);
  });

  it('exchanges UDP datagrams between bound sockets', async () => {
    const { cable, a, b } = connectedStacks();
    const server = b.bind(7);
    const client = a.bind();
    expect(client.port).toBeGreaterThanOrEqual(49_152);
    const sent = client.send(ADDRESS_B, 7, text('ping'));
    const received = server.nextMessage();
    cable.flush();
    await sent;
    const request = await received;
    expect(request).toEqual({ address: ADDRESS_A, port: client.port, payload: text('ping') });
    await server.send(request.address, request.port, text('pong'));
    cable.flush();
    expect(client.receive()).toEqual({ address: ADDRESS_B, port: 7, payload: text('pong') });
    expect(client.receive()).toBeUndefined();
    expect(a.counters.udp).toMatchObject({ sent: 1, received: 1 });
    expect(b.counters.udp).toMatchObject({ sent: 1, received: 1 });
  });

  it('sends broadcasts to ff:ff:ff:ff:ff:ff without ARP and receives them', () => {
    const { cable, a, b } = connectedStacks();
    const socket = b.bind(67);
    void a.bind(68).send(ipv4Address('10.0.0.255'), 67, text('discover'));
    void a.bind(69).send(ipv4Address('255.255.255.255'), 67, text('again'));
    expect(cable.a.sent.slice(1).map((frame) => readMac(frame, 0))).toEqual([BROADCAST_MAC, BROADCAST_MAC]);
    cable.flush();
    expect(socket.receive()?.payload).toEqual(text('discover'));
    expect(socket.receive()?.payload).toEqual(text('again'));
  });

  it('does not answer broadcast pings', () => {
    const { cable, a, b } = connectedStacks();
    void a.ping(ipv4Address('10.0.0.255'), { timeoutMs: 10 });
    cable.flush();
    expect(b.counters.icmp.dropped.broadcastEcho).toBe(1);
    expect(b.counters.icmp.sent).toBe(0);
  });

  it("sends off-subnet traffic to the gateway's MAC address", async () => {
    const { cable, a } = connectedStacks({ a: { gateway: ADDRESS_B } });
    const remote = ipv4Address('192.0.2.9');
    const sent = a.bind().send(remote, 53, text('query'));
    cable.flush();
    await sent;
    const datagram = cable.a.sent.at(-1)!;
    expect(readMac(datagram, 0)).toBe(MAC_B);
    expect([...datagram.subarray(30, 34)]).toEqual([192, 0, 2, 9]);
  });

  it('refuses destinations it has no route to', async () => {
    const { a } = connectedStacks();
    const socket = a.bind();
    for (const destination of ['192.0.2.9', '10.0.0.1', '0.0.0.0', '224.0.0.251']) {
      await expect(socket.send(ipv4Address(destination), 9, text('x'))).rejects.toBeInstanceOf(NoRouteError);
    }
  });

  it('retries ARP on tick and fails queued sends with ArpResolutionError after the last try', async () => {
    const { cable, clock, a } = connectedStacks({ a: { arp: { retryIntervalMs: 500, maxAttempts: 3 } } });
    const silent = ipv4Address('10.0.0.77');
    const socket = a.bind();
    const first = socket.send(silent, 9, text('one'));
    const second = socket.send(silent, 9, text('two'));
    const ping = a.ping(silent, { timeoutMs: 60_000 });
    const requests = (): number => a.counters.arp.sent - 1;
    expect(requests()).toBe(1);
    clock.now = 499;
    a.tick();
    expect(requests()).toBe(1);
    clock.now = 500;
    a.tick();
    clock.now = 1000;
    a.tick();
    expect(requests()).toBe(3);
    expect(await settled(first)).toBe(false);
    clock.now = 1500;
    a.tick();
    await expect(first).rejects.toEqual(new ArpResolutionError(silent, 3));
    await expect(second).rejects.toBeInstanceOf(ArpResolutionError);
    await expect(ping).rejects.toMatchObject({ name: 'ArpResolutionError', address: silent, attempts: 3 });
    expect(a.counters.arp.resolutionFailures).toBe(1);
    expect(a.counters.arp.dropped.unresolved).toBe(3);
    expect(cable.flush()).toBe(3); // the requests went out, nobody answered
  });

  it('bounds the packets waiting for one next hop', async () => {
    const { a } = connectedStacks({ a: { arp: { maxPendingPackets: 2 } } });
    const socket = a.bind();
    const silent = ipv4Address('10.0.0.77');
    void socket.send(silent, 9, text('1')).catch(() => undefined);
    void socket.send(silent, 9, text('2')).catch(() => undefined);
    await expect(socket.send(silent, 9, text('3'))).rejects.toEqual(new ArpQueueFullError(silent, 2));
    expect(a.counters.arp.dropped.queueFull).toBe(1);
  });

  it('ages ARP entries out and resolves them afresh', async () => {
    const { cable, clock, a } = connectedStacks({ a: { arp: { cacheTtlMs: 1000 } } });
    const socket = a.bind();
    void socket.send(ADDRESS_B, 9, text('x'));
    cable.flush();
    expect(a.counters.arp.sent).toBe(2);
    clock.now = 999;
    await socket.send(ADDRESS_B, 9, text('x'));
    expect(a.counters.arp.sent).toBe(2);
    clock.now = 1000;
    a.tick();
    const after = socket.send(ADDRESS_B, 9, text('x'));
    expect(a.counters.arp.sent).toBe(3);
    cable.flush();
    await after;
  });

  it('times a ping out at the first tick past its deadline', async () => {
    const { cable, clock, a } = connectedStacks();
    cable.cut();
    const ping = a.ping(ADDRESS_B, { timeoutMs: 250 });
    clock.now = 249;
    a.tick();
    expect(await settled(ping)).toBe(false);
    clock.now = 250;
    a.tick();
    await expect(ping).rejects.toEqual(new PingTimeoutError(ADDRESS_B, 250));
  });

  it('refuses payloads beyond the MTU, since it never fragments', async () => {
    const { cable, a, b } = connectedStacks({ mtu: 576 });
    expect(a.maxUdpPayload).toBe(548);
    const socket = a.bind();
    await expect(socket.send(ADDRESS_B, 9, new Uint8Array(549))).rejects.toEqual(new PayloadTooLargeError(549, 548));
    await expect(a.ping(ADDRESS_B, { timeoutMs: 10, payload: new Uint8Array(549) })).rejects.toBeInstanceOf(PayloadTooLargeError);
    const server = b.bind(9);
    const largest = socket.send(ADDRESS_B, 9, new Uint8Array(548).fill(7));
    cable.flush();
    await largest;
    expect(server.receive()?.payload).toEqual(new Uint8Array(548).fill(7));
  });

  it('counts datagrams for unbound ports and for full queues', () => {
    const { cable, a, b } = connectedStacks({ b: { udpQueueLength: 2 } });
    b.bind(9);
    const socket = a.bind();
    for (let index = 0; index < 3; index++) void socket.send(ADDRESS_B, 9, text('x'));
    void socket.send(ADDRESS_B, 10, text('x'));
    cable.flush();
    expect(b.counters.udp.dropped).toMatchObject({ queueFull: 1, noSocket: 1 });
  });

  it('binds each port once, and frees it on close', async () => {
    const { a } = connectedStacks();
    const socket = a.bind(5000);
    expect(() => a.bind(5000)).toThrow(new PortInUseError(5000));
    const waiting = socket.nextMessage();
    socket.close();
    await expect(waiting).rejects.toEqual(new SocketClosedError(5000));
    await expect(socket.send(ADDRESS_B, 9, text('x'))).rejects.toBeInstanceOf(SocketClosedError);
    expect(a.bind(5000).port).toBe(5000);
  });

  it('fails what waits when closed, and stops receiving', async () => {
    const { cable, a } = connectedStacks();
    const ping = a.ping(ADDRESS_B, { timeoutMs: 1000 });
    const waiting = a.bind(9).nextMessage();
    a.close();
    await expect(ping).rejects.toBeInstanceOf(IpStackClosedError);
    await expect(waiting).rejects.toBeInstanceOf(SocketClosedError);
    cable.flush();
    expect(a.counters.ethernet.received).toBe(1); // only b's announcement, before the close
  });

  it('refuses configurations that cannot work, naming the field', () => {
    const link = new EthernetCable(MAC_A, MAC_B).a;
    const clock = new ManualClock().read;
    const attempt = (config: Partial<ConstructorParameters<typeof IpStack>[1]>): unknown => {
      try {
        return new IpStack(link, { address: ADDRESS_A, netmask: NETMASK, clock, ...config });
      } catch (error) {
        return error;
      }
    };
    expect(attempt({ netmask: ipv4Address('255.0.255.0') })).toMatchObject({ field: 'netmask' });
    expect(attempt({ address: ipv4Address('10.0.0.255') })).toMatchObject({ field: 'address' });
    expect(attempt({ gateway: ipv4Address('10.0.1.1') })).toMatchObject({ field: 'gateway' });
    expect(attempt({ arp: { maxAttempts: 0 } })).toMatchObject({ field: 'arp.maxAttempts' });
    expect(attempt({ ttl: 256 })).toBeInstanceOf(IpStackConfigError);
    expect(attempt({})).toBeInstanceOf(IpStack);
  });
});
