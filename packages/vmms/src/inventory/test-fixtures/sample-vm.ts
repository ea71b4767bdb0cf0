import { randomUUID } from 'node:crypto';
import type { VmConfiguration } from '../vm-configuration.js';

/** A valid VM configuration, with `overrides` applied. */
export function sampleVm(overrides: Partial<VmConfiguration> = {}): VmConfiguration {
  return {
    schemaVersion: 1,
    id: randomUUID(),
    name: 'web-01',
    memory: 64 * 1024 * 1024,
    processors: 2,
    guest: { program: 'examples/guests/src/hello.ts' },
    devices: [{ class: 'integration.heartbeat', instanceId: randomUUID(), config: { intervalSeconds: 5 } }],
    createdAt: '2026-01-31T12:00:00.000Z',
    ...overrides,
  };
}
