import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JobState } from '@tsvisor/vmms/state';
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

  it('draws a bar on a terminal when asked, and plain percentage lines elsewhere', async () => {
    const steps = [
      { status: 200, json: jobOf('image.convert', JobState.Running, 50) },
      { status: 200, json: jobOf('image.convert', JobState.Completed, 100) },
    ];
    const converting = jobOf('image.convert', JobState.Running, 0);
    server.onEach('GET', `/jobs/${converting.id}`, [...steps, ...steps]);
    const terminal = new CapturedOutput(true);
    const pipe = new CapturedOutput(false);

    await followJob(client, converting, { progress: terminal, label: 'convert a.vhdx', signal: new AbortController().signal, pollIntervalMs: 1, bar: true });
    await followJob(client, converting, { progress: pipe, label: 'convert a.vhdx', signal: new AbortController().signal, pollIntervalMs: 1, bar: true });

    expect(terminal.text).toBe(
      `\rconvert a.vhdx [${'.'.repeat(30)}]   0%\rconvert a.vhdx [${'#'.repeat(15)}${'.'.repeat(15)}]  50%\rconvert a.vhdx [${'#'.repeat(30)}] 100%\n`,
    );
    expect(pipe.text).toBe('convert a.vhdx: 0%\nconvert a.vhdx: 50%\nconvert a.vhdx: 100%\n');
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
