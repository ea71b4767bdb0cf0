import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

/**
 * tshark's one-line-per-frame summary of the pcap `file`, or undefined when tshark is not
 * installed. Rejects when tshark cannot read the file (a broken capture).
 */
export async function tsharkSummary(file: string): Promise<string[] | undefined> {
  try {
    const { stdout } = await promisify(execFile)('tshark', ['-r', file]);
    return stdout.split('\n').filter((line) => line.trim() !== '');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
