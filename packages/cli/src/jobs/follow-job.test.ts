import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobState } from '@tsvisor/vmms';
import { parseDaemonEndpoint } from '../client/daemon-endpoint.js';
import { ManagementClient } from '../client/management-client.js';
import { jobOf } from '../test-fixtures/api-examples.js';
import { CapturedOutput } from '../test-fixtures/captured-io.js';
import { ScriptedApiServer } from '../test-fixtures/scripted-api-server.js';
import { followJob } from './follow-job.js';
import { JobFailedError } from './job-failed-error.js';

describe('followJob', () => {
  let server: ScriptedApiServer;
  let client: ManagementClient;
  const job = jobOf('vm.run', JobState.Running, 0);

  beforeEach(async () => {
    server = await ScriptedApiServer.startOnSocket();
    client = new ManagementClient({ endpoint: parseDaemonEndpoint(server.address) });
  });
  afterEach(() => server.close());

  it('redraws the progress on one line of a terminal', async () => {
    server.onEach('GET', `/jobs/${job.id}`, [
      { status: 200, json: jobOf('vm.run', JobState.Running, 40) },
      { status: 200, json: jobOf('vm.run', JobState.Completed, 100) },
    ]);
    const terminal = new CapturedOutput(true);

    const finished = await followJob(client, job, { progress: terminal, label: 'start web-01', signal: new AbortController().signal, pollIntervalMs: 1 });

    expect(finished.state).toBe(JobState.Completed);
    expect(terminal.text).toBe('\rstart web-01: 0%\rstart web-01: 40%\rstart web-01: 100%\n');
  });

  it('shows nothing for a job that has already finished', async () => {
    const output = new CapturedOutput();

    await followJob(client, jobOf('vm.run', JobState.Completed, 100), { progress: output, label: 'start', signal: new AbortController().signal });

    expect(output.text).toBe('');
    expect(server.requests).toEqual([]);
  });

  it.each([
    [JobState.Terminated, 'was cancelled'],
    [JobState.Killed, 'was killed'],
  ])('fails for a job that ends in state %i: it %s', async (state, outcome) => {
    server.on('GET', `/jobs/${job.id}`, { status: 200, json: jobOf('vm.run', state, 20) });

    const error = await followJob(client, job, { progress: new CapturedOutput(), label: 'start', signal: new AbortController().signal, pollIntervalMs: 1 }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(JobFailedError);
    expect((error as Error).message).toBe(`vm.run job ${job.id} ${outcome}`);
  });
});
