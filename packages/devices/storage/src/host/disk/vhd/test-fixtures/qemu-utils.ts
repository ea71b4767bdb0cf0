import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Runs one of Debian's qemu-utils programs (`qemu-img`, `qemu-io`) and returns its output. CI
 * installs them: a missing program fails the test with a message saying what to install.
 */
export async function qemu(program: 'qemu-img' | 'qemu-io', ...args: string[]): Promise<string> {
  try {
    const { stdout } = await run(program, args);
    return stdout;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new Error(`${program} is not installed: the VHD interop tests need Debian's qemu-utils (apt-get install qemu-utils)`);
    }
    throw error;
  }
}
