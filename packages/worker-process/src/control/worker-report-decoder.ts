import type { GuestHeartbeat } from '@tsvisor/device-sdk/host';
import { ControlProtocolError } from './control-protocol-error.js';
import type { WorkerDeviceInfo, WorkerErrorInfo, WorkerReport, WorkerSample, WorkerVmState } from './control-messages.js';

/** Console text per report: the worker batches, so more means a broken or hostile worker. */
export const MAX_CONSOLE_REPORT_CHARS = 64 * 1024;
const MAX_DEVICES = 256;
const MAX_VPS = 64;
const MAX_COUNTERS = 256;
const MAX_NAME_CHARS = 256;
const MAX_MESSAGE_CHARS = 4096;

const STATES: ReadonlySet<string> = new Set<WorkerVmState>(['starting', 'running', 'paused', 'stopping', 'off', 'failed']);
const HEARTBEATS: ReadonlySet<string> = new Set<GuestHeartbeat>(['ok', 'error', 'no-contact', 'lost-communication']);

type Fields = Readonly<Record<string, unknown>>;

function record(value: unknown, field: string): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ControlProtocolError(field, 'must be an object');
  return value as Fields;
}

function text(value: unknown, field: string, max: number): string {
  if (typeof value !== 'string') throw new ControlProtocolError(field, 'must be a string');
  if (value.length > max) throw new ControlProtocolError(field, `must be at most ${max} characters`);
  return value;
}

function finite(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new ControlProtocolError(field, 'must be a finite number ≥ 0');
  return value;
}

function list(value: unknown, field: string, max: number): readonly unknown[] {
  if (!Array.isArray(value)) throw new ControlProtocolError(field, 'must be an array');
  if (value.length > max) throw new ControlProtocolError(field, `must have at most ${max} items`);
  return value;
}

function counters(value: unknown, field: string): Readonly<Record<string, number>> {
  const entries = Object.entries(record(value, field));
  if (entries.length > MAX_COUNTERS) throw new ControlProtocolError(field, `must have at most ${MAX_COUNTERS} counters`);
  return Object.fromEntries(entries.map(([name, count]) => [text(name, field, MAX_NAME_CHARS), finite(count, `${field}.${name}`)]));
}

function sample(value: unknown): WorkerSample {
  const fields = record(value, 'sample');
  const devices = Object.entries(record(fields['devices'], 'sample.devices'));
  if (devices.length > MAX_DEVICES) throw new ControlProtocolError('sample.devices', `must have at most ${MAX_DEVICES} devices`);
  return {
    timestamp: finite(fields['timestamp'], 'sample.timestamp'),
    memoryBytes: finite(fields['memoryBytes'], 'sample.memoryBytes'),
    vps: list(fields['vps'], 'sample.vps', MAX_VPS).map((vp, i) => {
      const vpFields = record(vp, `sample.vps[${i}]`);
      return { activeMs: finite(vpFields['activeMs'], `sample.vps[${i}].activeMs`), elapsedMs: finite(vpFields['elapsedMs'], `sample.vps[${i}].elapsedMs`) };
    }),
    partition: counters(fields['partition'], 'sample.partition'),
    devices: Object.fromEntries(devices.map(([id, device]) => [text(id, 'sample.devices', MAX_NAME_CHARS), counters(device, `sample.devices.${id}`)])),
  };
}

function device(value: unknown, field: string): WorkerDeviceInfo {
  const fields = record(value, field);
  return {
    class: text(fields['class'], `${field}.class`, MAX_NAME_CHARS),
    instanceId: text(fields['instanceId'], `${field}.instanceId`, MAX_NAME_CHARS),
    operations: list(fields['operations'], `${field}.operations`, MAX_COUNTERS).map((operation, i) => {
      const op = record(operation, `${field}.operations[${i}]`);
      return { name: text(op['name'], `${field}.operations[${i}].name`, MAX_NAME_CHARS), description: text(op['description'], `${field}.operations[${i}].description`, MAX_MESSAGE_CHARS) };
    }),
  };
}

function errorInfo(value: unknown): WorkerErrorInfo {
  const fields = record(value, 'error');
  const field = fields['field'];
  return {
    name: text(fields['name'], 'error.name', MAX_NAME_CHARS),
    message: text(fields['message'], 'error.message', MAX_MESSAGE_CHARS),
    ...(field === undefined ? {} : { field: text(field, 'error.field', MAX_NAME_CHARS) }),
  };
}

/**
 * Checks a message from a worker process and returns it as a {@link WorkerReport}. The worker runs
 * guest-facing code, so the VMMS treats what it says as untrusted: shapes, sizes and values are
 * checked here, and a {@link ControlProtocolError} names the first bad field.
 */
export function decodeWorkerReport(value: unknown): WorkerReport {
  const fields = record(value, 'report');
  switch (fields['kind']) {
    case 'state': {
      const state = fields['state'];
      if (typeof state !== 'string' || !STATES.has(state)) throw new ControlProtocolError('state', 'must be a VM state of the worker');
      const reason = fields['reason'];
      return { kind: 'state', state: state as WorkerVmState, ...(reason === undefined ? {} : { reason: text(reason, 'reason', MAX_MESSAGE_CHARS) }) };
    }
    case 'heartbeat': {
      const heartbeat = fields['heartbeat'];
      if (typeof heartbeat !== 'string' || !HEARTBEATS.has(heartbeat)) throw new ControlProtocolError('heartbeat', 'must be a heartbeat status');
      return { kind: 'heartbeat', heartbeat: heartbeat as GuestHeartbeat };
    }
    case 'devices':
      return { kind: 'devices', devices: list(fields['devices'], 'devices', MAX_DEVICES).map((d, i) => device(d, `devices[${i}]`)) };
    case 'console':
      return { kind: 'console', text: text(fields['text'], 'text', MAX_CONSOLE_REPORT_CHARS) };
    case 'sample':
      return { kind: 'sample', sample: sample(fields['sample']) };
    case 'reply': {
      const id = fields['id'];
      if (!Number.isSafeInteger(id) || (id as number) < 1) throw new ControlProtocolError('id', 'must be a positive integer');
      if (fields['ok'] === true) return { kind: 'reply', id: id as number, ok: true, value: fields['value'] };
      if (fields['ok'] === false) return { kind: 'reply', id: id as number, ok: false, error: errorInfo(fields['error']) };
      throw new ControlProtocolError('ok', 'must be true or false');
    }
    default:
      throw new ControlProtocolError('kind', 'must name a kind of report');
  }
}
