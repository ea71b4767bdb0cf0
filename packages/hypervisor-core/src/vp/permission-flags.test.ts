import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { permissionFlags } from './permission-flags.js';

describe('permissionFlags', () => {
  it('keeps the permission model options of an execArgv, and nothing else', () => {
    expect(
      permissionFlags([
        '--experimental-permission',
        '--allow-fs-read=/srv/vm',
        '--allow-fs-write=/srv/vm',
        '--allow-worker',
        '--conditions=@tsvisor/source',
        '--import',
        'tsx',
        '--allow-fs-readx',
        '--disable-warning=ExperimentalWarning',
      ]),
    ).toEqual(['--experimental-permission', '--allow-fs-read=/srv/vm', '--allow-fs-write=/srv/vm', '--allow-worker']);
    expect(permissionFlags([])).toEqual([]);
  });

  it('keeps a worker thread started with them under its process’s permission model, where one without them would escape', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tsvisor-permission-'));
    try {
      const script = join(dir, 'threads.mjs');
      const secret = join(dir, 'secret.txt');
      await writeFile(secret, 'not for the threads');
      // The filter's source, inlined: the child may read nothing but its own script.
      const filter = permissionFlags.toString();
      await writeFile(
        script,
        `import { Worker } from 'node:worker_threads';
const permissionFlags = ${filter.replace(/^function permissionFlags/, 'function')};
const PERMISSION_FLAGS = ${JSON.stringify(['--experimental-permission', '--permission', '--allow-fs-read', '--allow-fs-write', '--allow-child-process', '--allow-worker', '--allow-addons', '--allow-wasi'])};
const probe = "try { require('fs').readFileSync(${JSON.stringify(JSON.stringify(secret)).slice(1, -1)}); console.log('read'); } catch (e) { console.log(e.code); }";
for (const execArgv of [[...permissionFlags(process.execArgv), '--no-warnings'], ['--no-warnings']]) {
  await new Promise((resolve) => new Worker(probe, { eval: true, execArgv }).once('exit', resolve));
}
`,
      );
      const { stdout } = await promisify(execFile)(process.execPath, ['--experimental-permission', `--allow-fs-read=${script}`, '--allow-worker', '--no-warnings', script]);
      expect(stdout.trim().split('\n')).toEqual(['ERR_ACCESS_DENIED', 'read']);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
