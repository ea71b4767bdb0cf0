import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FileInventoryStore } from './file-inventory-store.js';
import { vmConfigurationSchema } from './vm-configuration.js';

const WORKSPACE = resolve(import.meta.dirname, '../../../..');
const WRITER = join(import.meta.dirname, 'test-fixtures/inventory-writer.ts');
const ROUNDS = 8;

let directory: string;

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'tsvisor-inventory-crash-'));
});

afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

/** Starts a process that keeps rewriting VM `id`, waits for its first write, then SIGKILLs it after `delayMs`. */
async function killWriterMidway(id: string, delayMs: number): Promise<void> {
  const child = spawn(process.execPath, ['--conditions=@tsvisor/source', '--import', 'tsx', WRITER, directory, id], {
    cwd: WORKSPACE,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(WORKSPACE, 'tsconfig.base.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
  await new Promise<void>((written, failed) => {
    child.stdout.on('data', (chunk: Buffer) => chunk.toString().includes('written') && written());
    child.on('exit', (code) => failed(new Error(`the writer exited with ${code} before writing: ${errors}`)));
  });
  await sleep(delayMs);
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
}

describe('FileInventoryStore after a crash', () => {
  it('always holds a whole, valid configuration when its writer is killed at a random moment', async () => {
    const id = randomUUID();
    const file = join(directory, `${id}.json`);
    for (let round = 0; round < ROUNDS; round++) {
      await killWriterMidway(id, Math.floor(Math.random() * 100));
      const config = vmConfigurationSchema.parse(JSON.parse(await readFile(file, 'utf8')));
      expect(config.id).toBe(id);
      const scan = await new FileInventoryStore(directory).scan();
      expect(scan.problems).toEqual([]);
      expect(scan.vms).toEqual([config]);
      expect(await readdir(directory)).toEqual([`${id}.json`]);
    }
  }, 60_000);
});
