import { DeviceConfigError } from '@tsvisor/device-sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { sampleVm } from './test-fixtures/sample-vm.js';
import { UnsupportedSchemaVersionError } from './unsupported-schema-version-error.js';
import { vmConfigurationSchema } from './vm-configuration.js';

function fieldOfError(value: unknown): string {
  try {
    vmConfigurationSchema.parse(value);
  } catch (error) {
    expect(error).toBeInstanceOf(DeviceConfigError);
    return (error as DeviceConfigError).field;
  }
  throw new Error('expected the configuration to be refused');
}

describe('vmConfigurationSchema', () => {
  it('accepts a valid configuration, applies defaults and canonicalizes GUIDs', () => {
    const vm = sampleVm();
    const { processors: _, devices: __, ...minimal } = vm;
    const parsed = vmConfigurationSchema.parse({ ...minimal, id: vm.id.toUpperCase(), memory: '64M' });
    expect(parsed).toEqual({ ...minimal, processors: 1, devices: [] });
  });

  it('keeps a device configuration as a copy of its JSON', () => {
    const vm = sampleVm();
    const parsed = vmConfigurationSchema.parse(vm);
    expect(parsed.devices[0]!.config).toEqual({ intervalSeconds: 5 });
    expect(parsed.devices[0]!.config).not.toBe(vm.devices[0]!.config);
  });

  it('refuses memory that is not a multiple of 4 KiB, naming memory', () => {
    expect(fieldOfError(sampleVm({ memory: 64 * 1024 * 1024 + 512 }))).toBe('memory');
    expect(() => vmConfigurationSchema.parse(sampleVm({ memory: 64 * 1024 * 1024 + 512 }))).toThrow(/multiple of 4K/);
  });

  it('refuses memory outside 1 MiB to 1 GiB', () => {
    expect(fieldOfError(sampleVm({ memory: 512 * 1024 }))).toBe('memory');
    expect(fieldOfError({ ...sampleVm(), memory: '2G' })).toBe('memory');
  });

  it.each(['', '-web', 'web 01', 'web/01', 'w'.repeat(65), 'wéb'])('refuses the name %j', (name) => {
    expect(fieldOfError(sampleVm({ name }))).toBe('name');
  });

  it('refuses notes longer than 1024 characters', () => {
    expect(fieldOfError(sampleVm({ notes: 'n'.repeat(1025) }))).toBe('notes');
  });

  it('refuses processors outside 1 to 16', () => {
    expect(fieldOfError(sampleVm({ processors: 17 }))).toBe('processors');
    expect(fieldOfError(sampleVm({ processors: 1.5 }))).toBe('processors');
  });

  it('takes halt polling from 0 (off) to the hypervisor limit, and leaves it out when absent', () => {
    expect(vmConfigurationSchema.parse(sampleVm({ haltPollUs: 0 })).haltPollUs).toBe(0);
    expect(vmConfigurationSchema.parse(sampleVm({ haltPollUs: 100_000 })).haltPollUs).toBe(100_000);
    expect('haltPollUs' in vmConfigurationSchema.parse(sampleVm())).toBe(false);
    for (const haltPollUs of [-1, 1.5, 100_001, '200']) expect(fieldOfError({ ...sampleVm(), haltPollUs })).toBe('haltPollUs');
  });

  it.each(['heartbeat', 'Integration.heartbeat', 'integration.', 'integration..x', '1x.y'])('refuses the device class id %j', (id) => {
    const vm = sampleVm();
    expect(fieldOfError({ ...vm, devices: [{ ...vm.devices[0]!, class: id }] })).toBe('devices[0].class');
  });

  it('refuses a device instance id that is not a GUID, or used twice', () => {
    const vm = sampleVm();
    const device = vm.devices[0]!;
    expect(fieldOfError({ ...vm, devices: [{ ...device, instanceId: 'nope' }] })).toBe('devices[0].instanceId');
    expect(fieldOfError({ ...vm, devices: [device, { ...device, class: 'integration.kvp' }] })).toBe('devices[1].instanceId');
  });

  it('refuses a device configuration that is not a JSON object', () => {
    const vm = sampleVm();
    const device = vm.devices[0]!;
    expect(fieldOfError({ ...vm, devices: [{ ...device, config: [1] }] })).toBe('devices[0].config');
    expect(fieldOfError({ ...vm, devices: [{ ...device, config: { when: new Date() } }] })).toBe('devices[0].config["when"]');
    expect(fieldOfError({ ...vm, devices: [{ ...device, config: { ratio: Number.NaN } }] })).toBe('devices[0].config["ratio"]');
  });

  it('refuses a createdAt that is not an ISO timestamp or not a real day', () => {
    expect(fieldOfError(sampleVm({ createdAt: 'yesterday' }))).toBe('createdAt');
    expect(fieldOfError(sampleVm({ createdAt: '2026-02-30T00:00:00Z' }))).toBe('createdAt');
    expect(vmConfigurationSchema.parse(sampleVm({ createdAt: '2024-02-29T23:59:59+02:00' })).createdAt).toBe('2024-02-29T23:59:59+02:00');
  });

  it.each([2, 0, '1', undefined])('refuses schemaVersion %j with a typed error naming schemaVersion', (version) => {
    const value = { ...sampleVm(), schemaVersion: version, someFutureField: true };
    expect(() => vmConfigurationSchema.parse(value)).toThrow(UnsupportedSchemaVersionError);
    expect(fieldOfError(value)).toBe('schemaVersion');
  });

  it('refuses unknown keys by name, at the top and inside devices', () => {
    expect(fieldOfError({ ...sampleVm(), memorySize: 1 })).toBe('memorySize');
    const vm = sampleVm();
    expect(fieldOfError({ ...vm, devices: [{ ...vm.devices[0]!, enabled: true }] })).toBe('devices[0].enabled');
    expect(fieldOfError({ ...vm, guest: { program: 'a.ts', args: [] } })).toBe('guest.args');
  });

  it('describes itself as JSON Schema, memory a multiple of a page', () => {
    const json = vmConfigurationSchema.jsonSchema() as { properties: { memory: { anyOf: { multipleOf?: number }[] } } };
    expect(json.properties.memory.anyOf[0]!.multipleOf).toBe(4096);
  });

  it('yields a configuration or a DeviceConfigError for any JSON value, nothing else', () => {
    // Mostly valid fields, each sometimes replaced by any JSON, so both outcomes are exercised.
    const field = <T>(valid: fc.Arbitrary<T>) => fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: fc.jsonValue(), weight: 1 });
    const nearlyValid = fc.record(
      {
        schemaVersion: field(fc.constant(1)),
        id: field(fc.uuid()),
        name: field(fc.constantFrom('vm', 'web-01', 'a.b_c')),
        notes: field(fc.string({ maxLength: 1100 })),
        memory: field(fc.oneof(fc.integer({ min: 256, max: 2 ** 18 }).map((pages) => pages * 4096), fc.constantFrom('1M', '64M', '1G', '4097K'))),
        processors: field(fc.integer({ min: 0, max: 17 })),
        guest: field(fc.record({ program: fc.string() })),
        devices: field(
          fc.array(fc.record({ class: fc.constantFrom('a.b', 'A', 'x.y-z'), instanceId: fc.uuid(), config: field(fc.dictionary(fc.string(), fc.jsonValue())) }), {
            maxLength: 3,
          }),
        ),
        createdAt: field(fc.date({ noInvalidDate: true, min: new Date(0), max: new Date(253402300799999) }).map((date) => date.toISOString())),
        extra: fc.jsonValue(),
      },
      { requiredKeys: ['schemaVersion', 'id', 'name', 'memory', 'guest', 'createdAt'] },
    );
    let accepted = 0;
    fc.assert(
      fc.property(fc.oneof({ arbitrary: fc.jsonValue(), weight: 1 }, { arbitrary: nearlyValid, weight: 4 }), (value) => {
        try {
          const config = vmConfigurationSchema.parse(value);
          accepted++;
          expect(vmConfigurationSchema.parse(JSON.parse(JSON.stringify(config)))).toEqual(config);
        } catch (error) {
          if (!(error instanceof DeviceConfigError)) throw error;
        }
      }),
      { numRuns: 2000 },
    );
    expect(accepted).toBeGreaterThan(5);
  });
});
