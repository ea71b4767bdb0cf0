import { describe, expect, it } from 'vitest';
import { formatDaemonEndpoint, parseDaemonEndpoint, resolveDaemonEndpoint } from './daemon-endpoint.js';
import { InvalidDaemonAddressError } from './invalid-daemon-address-error.js';

describe('daemon endpoints', () => {
  it('reads unix: and http: addresses, IPv6 included', () => {
    expect(parseDaemonEndpoint('unix:/run/tsvisor/vmms.sock')).toEqual({ kind: 'unix', socketPath: '/run/tsvisor/vmms.sock' });
    expect(parseDaemonEndpoint('http://10.0.0.5:8443')).toEqual({ kind: 'tcp', host: '10.0.0.5', port: 8443 });
    expect(parseDaemonEndpoint('http://[::1]:8443')).toEqual({ kind: 'tcp', host: '::1', port: 8443 });
    expect(parseDaemonEndpoint('http://vmms.local')).toEqual({ kind: 'tcp', host: 'vmms.local', port: 80 });
  });

  it('writes them back the way --host takes them', () => {
    for (const address of ['unix:/run/tsvisor/vmms.sock', 'http://10.0.0.5:8443', 'http://[::1]:8443']) {
      expect(formatDaemonEndpoint(parseDaemonEndpoint(address))).toBe(address);
    }
  });

  it.each([
    ['unix:vmms.sock', 'the socket path must be absolute'],
    ['https://vmms:8443', 'https: is not supported, use http: or unix:'],
    ['http://vmms:8443/api', 'give only http://host:port, without a path, query or credentials'],
    ['vmms:8443x', 'vmms: is not supported, use http: or unix:'],
    ['localhost', 'expected unix:/path/vmms.sock or http://host:port'],
  ])('refuses %s: %s', (address, problem) => {
    expect(() => parseDaemonEndpoint(address)).toThrow(new InvalidDaemonAddressError(address, problem));
  });

  it('takes the option, else TSVISOR_HOST, else the socket in ~/.tsvisor', () => {
    const env = { TSVISOR_HOST: 'http://127.0.0.1:8443' };
    expect(resolveDaemonEndpoint('unix:/tmp/a.sock', env, '/home/op')).toEqual({ kind: 'unix', socketPath: '/tmp/a.sock' });
    expect(resolveDaemonEndpoint(undefined, env, '/home/op')).toEqual({ kind: 'tcp', host: '127.0.0.1', port: 8443 });
    expect(resolveDaemonEndpoint(undefined, { TSVISOR_HOST: '' }, '/home/op')).toEqual({ kind: 'unix', socketPath: '/home/op/.tsvisor/vmms.sock' });
  });
});
