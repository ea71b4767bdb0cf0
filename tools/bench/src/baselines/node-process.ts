import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { processRssBytes } from '../process-rss.js';

/**
 * The baselines of the VMMS's process mode: bare Node child processes, started as a VM worker is
 * (the same executable, no NODE_OPTIONS), measured in the same run.
 */
function spawnNode(source: string, stdout: 'ignore' | 'pipe' = 'ignore'): ChildProcess {
  return spawn(process.execPath, ['-e', source], { stdio: ['ignore', stdout, 'ignore'], env: { ...process.env, NODE_OPTIONS: '' } });
}

async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) await once(child, 'exit');
}

/** Milliseconds from spawning `node -e ""` to its exit. */
export async function bareNodeStartMs(): Promise<number> {
  const start = performance.now();
  await exited(spawnNode(''));
  return performance.now() - start;
}

/** Milliseconds from spawning `count` `node -e ""` at once to the exit of the last. */
export async function bareNodeStartsMs(count: number): Promise<number> {
  const start = performance.now();
  await Promise.all(Array.from({ length: count }, () => exited(spawnNode(''))));
  return performance.now() - start;
}

/** The resident set size of an idle bare Node process (a timer keeps it alive), in bytes. */
export async function idleNodeRssBytes(): Promise<number> {
  const child = spawnNode('process.stdout.write("up"); setInterval(() => {}, 1000);', 'pipe');
  try {
    await once(child.stdout!, 'data');
    await new Promise((resolve) => setTimeout(resolve, 200));
    return await processRssBytes(child.pid!);
  } finally {
    child.kill();
    await exited(child);
  }
}
