import { describe, expect, it } from 'vitest';
import { DeviceConfigError } from '../../config/device-config-error.js';
import { schema } from '../../config/schema.js';
import type { DeviceClass } from '../../device-class.js';
import type { Vsp, VspBus, VspContext, VspFactory } from '../vsp.js';
import { DeviceClassRegistry } from './device-class-registry.js';
import { DuplicateDeviceClassError } from './duplicate-device-class-error.js';
import { MissingDeviceClassError } from './missing-device-class-error.js';

const heartbeatConfig = schema.object({ timeoutSeconds: schema.integer({ min: 1, max: 600, default: 30 }) });

function deviceClass<Config>(id: string, config: DeviceClass<Config>['config']): DeviceClass<Config> {
  return { id, interfaceType: '57164f39-9115-4e78-ab55-382f3bd5422d', displayName: id, config };
}

/** A factory that records the contexts it was asked to create VSPs for. */
function recordingFactory<Config>(cls: DeviceClass<Config>): VspFactory<Config> & { readonly contexts: VspContext<Config>[] } {
  const contexts: VspContext<Config>[] = [];
  return {
    deviceClass: cls,
    contexts,
    create(context): Vsp {
      contexts.push(context);
      return { start: () => undefined, stop: () => Promise.resolve() };
    },
  };
}

const vmbus: VspBus = {
  offer: () => {
    throw new Error('not offered in these tests');
  },
};
const vm = { name: 'web-01', vmbus };
const INSTANCE = '2dd1ce17-079e-403c-b352-a1921ee207ee';

describe('DeviceClassRegistry', () => {
  const heartbeat = recordingFactory(deviceClass('integration.heartbeat', heartbeatConfig));
  const shutdown = recordingFactory(deviceClass('integration.shutdown', schema.object({})));
  const registry = new DeviceClassRegistry([heartbeat, shutdown] as VspFactory[]);

  it('lists its classes and finds their factories', () => {
    expect(registry.classes().map((cls) => cls.id)).toEqual(['integration.heartbeat', 'integration.shutdown']);
    expect(registry.has('integration.shutdown')).toBe(true);
    expect(registry.has('storage.scsi')).toBe(false);
    expect(registry.factory('integration.heartbeat')).toBe(heartbeat);
  });

  it('names a missing class and the installed ones', () => {
    expect(() => registry.factory('storage.scsi')).toThrow(MissingDeviceClassError);
    expect(() => registry.factory('storage.scsi')).toThrow(
      'no installed plugin provides device class "storage.scsi" (installed classes: integration.heartbeat, integration.shutdown)',
    );
    expect(() => new DeviceClassRegistry([]).factory('storage.scsi')).toThrow('(no device classes are installed)');
  });

  it('creates a VSP with the validated configuration, its defaults applied', () => {
    const vsp = registry.createVsp({ class: 'integration.heartbeat', config: {}, instanceId: INSTANCE }, vm, 'devices[0]');
    expect(vsp).toBeDefined();
    expect(heartbeat.contexts.at(-1)).toEqual({
      deviceClass: heartbeat.deviceClass,
      config: { timeoutSeconds: 30 },
      instanceId: INSTANCE,
      vmName: 'web-01',
      vmbus,
    });
  });

  it('names the bad field of a configuration under the device it belongs to', () => {
    const create = () => registry.createVsp({ class: 'integration.heartbeat', config: { timeoutSeconds: 0 }, instanceId: INSTANCE }, vm, 'devices[1]');
    expect(create).toThrow(DeviceConfigError);
    expect(create).toThrow(new DeviceConfigError('devices[1].config.timeoutSeconds', 'must be an integer between 1 and 600, got 0'));
    const withoutPrefix = () => registry.createVsp({ class: 'integration.shutdown', config: { force: true }, instanceId: INSTANCE }, vm);
    expect(withoutPrefix).toThrow(new DeviceConfigError('config.force', 'is not a known field (the object has no fields)'));
  });

  it("gives the host files a device needs, from its factory and its checked configuration; none when the factory declares none", async () => {
    const diskConfig = schema.object({ path: schema.string(), readOnly: schema.boolean({ default: false }) });
    const disks: VspFactory<{ path: string; readOnly: boolean }> = {
      ...recordingFactory(deviceClass('acme.disk', diskConfig)),
      fileAccess: ({ path, readOnly }) => ({ read: [path], write: readOnly ? [] : [path] }),
    };
    const withDisks = new DeviceClassRegistry([heartbeat, disks] as VspFactory[]);
    expect(await withDisks.fileAccess({ class: 'acme.disk', config: { path: '/srv/disks/a.vhdx' } })).toEqual({ read: ['/srv/disks/a.vhdx'], write: ['/srv/disks/a.vhdx'] });
    expect(await withDisks.fileAccess({ class: 'acme.disk', config: { path: '/srv/b.img', readOnly: true } })).toEqual({ read: ['/srv/b.img'], write: [] });
    expect(await withDisks.fileAccess({ class: 'integration.heartbeat', config: {} })).toEqual({ read: [], write: [] });
    await expect(withDisks.fileAccess({ class: 'acme.disk', config: {} }, 'devices[2]')).rejects.toThrow(new DeviceConfigError('devices[2].config.path', 'is required'));
    await expect(withDisks.fileAccess({ class: 'acme.disk', config: { path: 'relative.img' } }, 'devices[0]')).rejects.toThrow(DeviceConfigError);
  });

  it("asks a device's factory for a host grant with its checked configuration, and hands the grant to the VSP", async () => {
    const portConfig = schema.object({ switch: schema.string() });
    const revoked: string[] = [];
    const ports = {
      ...recordingFactory(deviceClass('acme.nic', portConfig)),
      grantHostAccess: ({ config, instanceId, vmName }: { config: { switch: string }; instanceId: string; vmName: string }) =>
        Promise.resolve({ grant: { endpoint: `/run/${config.switch}.sock`, token: `${vmName}:${instanceId}` }, revoke: () => void revoked.push(vmName) }),
    };
    const withPorts = new DeviceClassRegistry([heartbeat, ports] as VspFactory[]);
    const lease = await withPorts.grantHostAccess({ class: 'acme.nic', config: { switch: 'lan' }, instanceId: INSTANCE }, 'web-01', 'devices[0]');
    expect(lease?.grant).toEqual({ endpoint: '/run/lan.sock', token: `web-01:${INSTANCE}` });
    lease?.revoke();
    expect(revoked).toEqual(['web-01']);
    expect(await withPorts.grantHostAccess({ class: 'integration.heartbeat', config: {}, instanceId: INSTANCE }, 'web-01')).toBeUndefined();
    await expect(withPorts.grantHostAccess({ class: 'acme.nic', config: {}, instanceId: INSTANCE }, 'web-01', 'devices[3]')).rejects.toThrow(new DeviceConfigError('devices[3].config.switch', 'is required'));
    withPorts.createVsp({ class: 'acme.nic', config: { switch: 'lan' }, instanceId: INSTANCE, hostGrant: lease!.grant }, vm);
    expect(ports.contexts.at(-1)).toMatchObject({ vmName: 'web-01', hostGrant: { endpoint: '/run/lan.sock' } });
  });

  it('does not create a VSP for a class it lacks', () => {
    expect(() => registry.createVsp({ class: 'storage.scsi', config: {}, instanceId: INSTANCE }, vm)).toThrow(MissingDeviceClassError);
  });

  it('refuses two factories for one class, and values that are not factories', () => {
    expect(() => new DeviceClassRegistry([heartbeat, recordingFactory(heartbeat.deviceClass)] as VspFactory[])).toThrow(DuplicateDeviceClassError);
    expect(() => new DeviceClassRegistry([{ create: () => ({}) } as unknown as VspFactory])).toThrow(TypeError);
  });
});
