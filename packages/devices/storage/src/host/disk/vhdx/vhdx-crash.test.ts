import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { firstDifference } from './test-fixtures/bytes.js';
import { CRASH_BLOCK_SIZE, CRASH_DISK_SIZE, crashWrite } from './test-fixtures/crash-writes.js';
import { qemuImg } from './test-fixtures/qemu.js';
import { scratchDirectory } from './test-fixtures/scratch-directory.js';
import { VhdxDiskFormat } from './vhdx-disk-format.js';
import { decodeVhdxHeader, NIL_GUID } from './vhdx-header.js';
import { VhdxLayout } from './vhdx-layout.js';

const WORKSPACE = resolve(import.meta.dirname, '../../../../../../..');
const WRITER = join(import.meta.dirname, 'test-fixtures/crash-writer.ts');
const ROUNDS = 6;
/** Writes each round's writer may make: all rounds together stay within the disk's 8192 slots. */
const WRITES_PER_ROUND = 1300;
const image = scratchDirectory();
const format = new VhdxDiskFormat();

/**
 * Runs the writer from write `first`, waits for its first acknowledged flush, SIGKILLs it after
 * `delayMs`, and returns the last write index a completed flush covered.
 */
async function killWriterMidway(path: string, first: number, delayMs: number): Promise<number> {
  const child = spawn(process.execPath, ['--conditions=@tsvisor/source', '--import', 'tsx', WRITER, path, String(first), String(WRITES_PER_ROUND)], {
    cwd: WORKSPACE,
    env: { ...process.env, TSX_TSCONFIG_PATH: join(WORKSPACE, 'tsconfig.base.json') },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  let output = '';
  let flushed = first - 1;
  child.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const exited = new Promise<NodeJS.Signals | null>((done) => child.on('exit', (_code, signal) => done(signal)));
  await new Promise<void>((acknowledged, failed) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      const lines = output.split('\n');
      output = lines.pop()!;
      for (const line of lines) flushed = Math.max(flushed, Number(/^flushed (\d+)$/.exec(line)?.[1] ?? flushed));
      if (flushed >= first) acknowledged();
    });
    child.on('exit', (code) => failed(new Error(`the writer exited with ${code} before a flush: ${errors}`)));
  });
  await sleep(delayMs);
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');
  return flushed;
}

describe('a VHDX image after its writer is killed', () => {
  it('opens cleanly, replaying its log, passes qemu-img check, and holds every write a completed flush acknowledged', async () => {
    const path = image('crash.vhdx');
    await format.create(path, { sizeBytes: CRASH_DISK_SIZE, blockSizeBytes: CRASH_BLOCK_SIZE });
    const acknowledged: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const first = round * WRITES_PER_ROUND;
      const flushed = await killWriterMidway(path, first, Math.floor(Math.random() * 150));
      for (let index = first; index <= flushed; index++) acknowledged.push(index);
      const bytes = new Uint8Array(await readFile(path));
      const logGuids = VhdxLayout.headerOffsets.map((offset, i) => decodeVhdxHeader(bytes.subarray(offset), i + 1, bytes.length).logGuid);
      expect(logGuids.some((guid) => guid !== NIL_GUID)).toBe(true); // killed mid-session: the log may hold an entry to replay

      const disk = await format.open(path);
      const contents = new Uint8Array(CRASH_DISK_SIZE);
      await disk.read(0, contents);
      await disk.close();
      for (const index of acknowledged) {
        const { offset, data } = crashWrite(index);
        expect(firstDifference(contents.subarray(offset, offset + data.length), data), `write ${index} at ${offset}`).toBe(-1);
      }
      expect(await qemuImg('check', '-f', 'vhdx', path)).toContain('No errors were found');
    }
    expect(acknowledged.length).toBeGreaterThan(ROUNDS);
  }, 120_000);
});
