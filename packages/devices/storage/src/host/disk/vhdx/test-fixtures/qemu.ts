import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Runs `qemu-img` (Debian's qemu-utils: the tests need it) and returns its standard output. */
export async function qemuImg(...args: string[]): Promise<string> {
  return (await run('qemu-img', args)).stdout;
}

/** Runs `qemu-io -f vhdx` with `commands` on `path`; throws if any command fails (a read pattern mismatch included). */
export async function qemuIo(path: string, ...commands: string[]): Promise<string> {
  const { stdout } = await run('qemu-io', ['-f', 'vhdx', ...commands.flatMap((command) => ['-c', command]), path]);
  if (/Pattern verification failed|failed:|error/i.test(stdout)) throw new Error(`qemu-io ${commands.join('; ')}: ${stdout}`);
  return stdout;
}
