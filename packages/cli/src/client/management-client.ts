import { request, type IncomingMessage } from 'node:http';
import type { DeviceSummary, ImageCheckResult, ImageInfo, Job, JsonValue, StateChangeResult, VirtualSwitchDetails, VmCounters, VmDetails, VmmsEvent, VmSummary } from '@tsvisor/vmms';
import type { DaemonEndpoint } from './daemon-endpoint.js';
import { DaemonUnreachableError } from './daemon-unreachable-error.js';
import { InterruptedError } from './interrupted-error.js';
import { ManagementApiError } from './management-api-error.js';
import type { ImageConversionBody, ImageCreationBody } from './image-requests.js';
import type { DeviceOperationResult, ImageConversionStart, ImageCreation, VirtualSwitchCreation, VirtualSwitchDeletion, VmCreation, VmDeletion } from './management-api-responses.js';
import type { VirtualSwitchCreationBody } from './virtual-switch-requests.js';
import type { RequestedStateName } from './requested-state-name.js';
import { readServerSentEvents, type ServerSentEvent } from './server-sent-event.js';
import type { VmDefinition, VmModification } from './vm-definition.js';

/** How a {@link ManagementClient} reaches the daemon. */
export interface ManagementClientOptions {
  readonly endpoint: DaemonEndpoint;
  /** A bearer token, for a daemon listening on TCP. */
  readonly token?: string;
  /** How long to wait for a whole answer (for a stream: for its headers), ms; 30 000 unless given. */
  readonly timeoutMs?: number;
  /** Aborts every request and stream of this client, with an {@link InterruptedError}. */
  readonly signal?: AbortSignal;
}

const DEFAULT_TIMEOUT_MS = 30_000;

const unreachableReasons: Readonly<Record<string, string>> = {
  ENOENT: 'no daemon socket there (is `tsvisor host start` running?)',
  ECONNREFUSED: 'connection refused (is `tsvisor host start` running?)',
  EACCES: 'permission denied on the socket',
  ECONNRESET: 'the connection was reset',
  EHOSTUNREACH: 'host unreachable',
  ENOTFOUND: 'unknown host name',
};

/**
 * A typed client of the VMMS REST API, one method per route, over the daemon's Unix socket or
 * TCP. Error answers are thrown as {@link ManagementApiError}s; a daemon that cannot be reached
 * as a {@link DaemonUnreachableError}.
 */
export class ManagementClient {
  private readonly timeoutMs: number;

  constructor(private readonly options: ManagementClientOptions) {
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** `GET /vms`: the summaries of every VM. */
  listVms(): Promise<VmSummary[]> {
    return this.json('GET', '/vms');
  }

  /** `POST /vms`: defines a VM. */
  createVm(definition: VmDefinition): Promise<VmCreation> {
    return this.json('POST', '/vms', definition);
  }

  /** `GET /vms/{vm}`: one VM, by name or id, with its configuration. */
  getVm(vm: string): Promise<VmDetails> {
    return this.json('GET', `/vms/${segment(vm)}`);
  }

  /** `PATCH /vms/{vm}`: changes settings of a VM. */
  modifyVm(vm: string, changes: VmModification): Promise<VmDetails> {
    return this.json('PATCH', `/vms/${segment(vm)}`, changes);
  }

  /** `DELETE /vms/{vm}`: starts the job that destroys a VM. */
  deleteVm(vm: string): Promise<VmDeletion> {
    return this.json('DELETE', `/vms/${segment(vm)}`);
  }

  /** `POST /vms/{vm}/state`: asks for a state change; the answer has a job unless there was nothing to do. */
  requestStateChange(vm: string, requestedState: RequestedStateName): Promise<StateChangeResult> {
    return this.json('POST', `/vms/${segment(vm)}/state`, { requestedState });
  }

  /** `GET /vms/{vm}/devices`. */
  listDevices(vm: string): Promise<DeviceSummary[]> {
    return this.json('GET', `/vms/${segment(vm)}/devices`);
  }

  /** `POST /vms/{vm}/devices/{instanceId}/operations/{operation}`: invokes an operation of a running VM's device. */
  invokeDeviceOperation(vm: string, instanceId: string, operation: string, input: JsonValue): Promise<DeviceOperationResult> {
    return this.json('POST', `/vms/${segment(vm)}/devices/${segment(instanceId)}/operations/${segment(operation)}`, input);
  }

  /** `GET /vms/{vm}/counters`. */
  getCounters(vm: string): Promise<VmCounters> {
    return this.json('GET', `/vms/${segment(vm)}/counters`);
  }

  /** `GET /vms/{vm}/console`: the console text the VM's guest wrote so far. */
  async readConsole(vm: string): Promise<string> {
    return (await this.exchange('GET', `/vms/${segment(vm)}/console`, undefined, 'text/plain')).text;
  }

  /**
   * `GET /vms/{vm}/console?follow=1`: the console text kept so far, then as the guest writes it, until
   * the stream or the client is closed. Each `console` event's data is the text as a JSON string.
   */
  async *followConsole(vm: string): AsyncGenerator<string> {
    for await (const event of this.stream(`/vms/${segment(vm)}/console?follow=1`)) {
      if (event.event === 'console') yield JSON.parse(event.data) as string;
    }
  }

  /** `GET /jobs`: running jobs and the recent history. */
  listJobs(): Promise<Job[]> {
    return this.json('GET', '/jobs');
  }

  /** `GET /jobs/{id}`. */
  getJob(id: string): Promise<Job> {
    return this.json('GET', `/jobs/${segment(id)}`);
  }

  /** `DELETE /jobs/{id}`: cancels a running job; the answer is the job as it is now. */
  cancelJob(id: string): Promise<Job> {
    return this.json('DELETE', `/jobs/${segment(id)}`);
  }

  /** `POST /images`: creates a disk image on the daemon's host. */
  createImage(creation: ImageCreationBody): Promise<ImageCreation> {
    return this.json('POST', '/images', creation);
  }

  /** `GET /images/info?path=`: describes a disk image of the daemon's host. */
  getImageInfo(path: string): Promise<ImageInfo> {
    return this.json('GET', `/images/info?path=${encodeURIComponent(path)}`);
  }

  /** `POST /images/convert`: starts the job that converts a disk image into a new one. */
  convertImage(conversion: ImageConversionBody): Promise<ImageConversionStart> {
    return this.json('POST', '/images/convert', conversion);
  }

  /** `POST /images/check`: checks a disk image of the daemon's host. */
  checkImage(path: string): Promise<ImageCheckResult> {
    return this.json('POST', '/images/check', { path });
  }

  /** `GET /switches`: the virtual switches of the daemon's host, with their ports and counters. */
  listSwitches(): Promise<VirtualSwitchDetails[]> {
    return this.json('GET', '/switches');
  }

  /** `POST /switches`: creates a virtual switch. */
  createSwitch(creation: VirtualSwitchCreationBody): Promise<VirtualSwitchCreation> {
    return this.json('POST', '/switches', creation);
  }

  /** `GET /switches/{name}`: one virtual switch, its ports (VM, MAC address, VLAN, counters) and counters. */
  getSwitch(name: string): Promise<VirtualSwitchDetails> {
    return this.json('GET', `/switches/${segment(name)}`);
  }

  /** `DELETE /switches/{name}`: deletes a virtual switch no VM port is attached to. */
  deleteSwitch(name: string): Promise<VirtualSwitchDeletion> {
    return this.json('DELETE', `/switches/${segment(name)}`);
  }

  /** `GET /events`: state, health, heartbeat and job changes, as they happen; each event's data is a `VmmsEvent` as JSON. */
  async *events(): AsyncGenerator<VmmsEvent> {
    for await (const event of this.stream('/events')) yield JSON.parse(event.data) as VmmsEvent;
  }

  /** `GET /metrics`: the daemon's counters in the Prometheus text format. */
  async readMetrics(): Promise<string> {
    return (await this.exchange('GET', '/metrics', undefined, 'text/plain')).text;
  }

  private async json<T>(method: string, path: string, body?: unknown): Promise<T> {
    const { status, text } = await this.exchange(method, path, body, 'application/json');
    try {
      return JSON.parse(text) as T;
    } catch {
      throw new ManagementApiError(status, 'invalid-response', `the daemon answered ${method} ${path} with something that is not JSON`);
    }
  }

  /** Sends a request and reads its whole answer, throwing the API's error for a status of 400 or more. */
  private async exchange(method: string, path: string, body: unknown, accept: string): Promise<{ status: number; text: string }> {
    const deadline = AbortSignal.timeout(this.timeoutMs);
    const response = await this.send(method, path, body, accept, deadline);
    const text = await this.readBody(response, deadline);
    const status = response.statusCode ?? 0;
    if (status >= 400) throw errorOfAnswer(status, text);
    return { status, text };
  }

  /** Opens an event stream: the timeout covers the wait for its headers only. */
  private async *stream(path: string): AsyncGenerator<ServerSentEvent> {
    const untilHeaders = new AbortController();
    const timer = setTimeout(() => untilHeaders.abort(new DOMException('timeout', 'TimeoutError')), this.timeoutMs);
    let response: IncomingMessage;
    try {
      response = await this.send('GET', path, undefined, 'text/event-stream', untilHeaders.signal);
    } finally {
      clearTimeout(timer);
    }
    const status = response.statusCode ?? 0;
    if (status >= 400) throw errorOfAnswer(status, await this.readBody(response, AbortSignal.timeout(this.timeoutMs)));
    response.setEncoding('utf8');
    try {
      yield* readServerSentEvents(response);
    } catch (error) {
      throw this.interruption() ?? new DaemonUnreachableError(this.options.endpoint, 'the event stream broke off', { cause: error });
    } finally {
      response.destroy();
    }
  }

  private send(method: string, path: string, body: unknown, accept: string, deadline: AbortSignal): Promise<IncomingMessage> {
    const { endpoint, token, signal } = this.options;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: Record<string, string> = { accept };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(payload));
    }
    if (token !== undefined) headers['authorization'] = `Bearer ${token}`;
    const target = endpoint.kind === 'unix' ? { socketPath: endpoint.socketPath } : { host: endpoint.host, port: endpoint.port };
    const abort = signal === undefined ? deadline : AbortSignal.any([signal, deadline]);
    return new Promise((resolve, reject) => {
      const outgoing = request({ ...target, method, path, headers, signal: abort }, resolve);
      outgoing.on('error', (error: NodeJS.ErrnoException) => reject(this.failureOf(error, deadline)));
      outgoing.end(payload);
    });
  }

  private readBody(response: IncomingMessage, deadline: AbortSignal): Promise<string> {
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      const onAbort = (): void => {
        response.destroy();
        reject(this.failureOf(new Error('aborted'), deadline));
      };
      const signals = [deadline, ...(this.options.signal === undefined ? [] : [this.options.signal])];
      signals.forEach((s) => s.addEventListener('abort', onAbort, { once: true }));
      const settle = (): void => signals.forEach((s) => s.removeEventListener('abort', onAbort));
      response.on('data', (chunk: Buffer) => chunks.push(chunk));
      response.on('end', () => {
        settle();
        resolve(Buffer.concat(chunks).toString('utf8'));
      });
      response.on('error', (error: NodeJS.ErrnoException) => {
        settle();
        reject(this.failureOf(error, deadline));
      });
    });
  }

  private failureOf(error: NodeJS.ErrnoException, deadline: AbortSignal): Error {
    const interrupted = this.interruption();
    if (interrupted !== undefined) return interrupted;
    const { endpoint } = this.options;
    if (deadline.aborted) return new DaemonUnreachableError(endpoint, `no answer within ${this.timeoutMs / 1000}s`, { cause: error });
    const reason = (error.code !== undefined ? unreachableReasons[error.code] : undefined) ?? error.message;
    return new DaemonUnreachableError(endpoint, reason, { cause: error });
  }

  private interruption(): InterruptedError | undefined {
    return this.options.signal?.aborted ? new InterruptedError() : undefined;
  }
}

/** A name, id or operation as one path segment. */
function segment(value: string): string {
  return encodeURIComponent(value);
}

/** The API's `{ error: { code, returnValue?, message, field? } }`, or what can be said of an answer without one. */
function errorOfAnswer(status: number, text: string): ManagementApiError {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  const error = typeof parsed === 'object' && parsed !== null ? (parsed as { error?: unknown }).error : undefined;
  if (typeof error === 'object' && error !== null) {
    const { code, message, returnValue, field } = error as Record<string, unknown>;
    return new ManagementApiError(
      status,
      typeof code === 'string' ? code : `http-${status}`,
      typeof message === 'string' ? message : `the daemon answered ${status}`,
      typeof returnValue === 'number' ? returnValue : undefined,
      typeof field === 'string' ? field : undefined,
    );
  }
  const detail = text.trim().slice(0, 200);
  return new ManagementApiError(status, `http-${status}`, `the daemon answered ${status}${detail === '' ? '' : `: ${detail}`}`);
}
