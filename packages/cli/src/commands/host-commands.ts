import { resolve } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { cliPackageDir } from '../cli-package-dir.js';
import { defaultDataDir, formatDaemonEndpoint } from '../client/daemon-endpoint.js';
import type { CommandContext } from './command-context.js';

interface HostStartOptions {
  readonly dataDir?: string;
  readonly listenTcp?: TcpListenAddress;
  readonly tokens?: string;
  readonly inProcess?: boolean;
  readonly hostBuild?: string;
  readonly shutdownTimeout?: number;
}

interface TcpListenAddress {
  readonly host: string;
  readonly port: number;
}

/** Reads `--listen-tcp HOST:PORT`; an IPv6 host goes in brackets, `[::1]:8443`. */
function parseListenAddress(text: string): TcpListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/.exec(text);
  const port = Number(match?.[3]);
  if (match === null || port > 65_535) throw new InvalidArgumentError('expected HOST:PORT, e.g. 127.0.0.1:8443 or [::1]:8443');
  return { host: match[1] ?? match[2]!, port };
}

/** Reads `--shutdown-timeout SECONDS`: a positive number, fractions allowed. */
function parseSeconds(text: string): number {
  const seconds = Number(text);
  if (!/^\d+(?:\.\d+)?$/.test(text) || seconds <= 0) throw new InvalidArgumentError('expected a positive number of seconds, e.g. 30 or 2.5');
  return seconds;
}

function untilAborted(signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) resolve();
    else signal.addEventListener('abort', () => resolve(), { once: true });
  });
}

/** `tsvisor host …`: running the VMMS daemon on this machine. */
export function addHostCommands(program: Command, context: CommandContext): void {
  const host = program
    .command('host')
    .description('run the VMMS daemon on this machine');
  host
    .command('start')
    .description('run the VMMS daemon in the foreground until SIGINT or SIGTERM')
    .option('--data-dir <dir>', 'where the daemon keeps its inventory and its socket (default: ~/.tsvisor)')
    .option('--listen-tcp <host:port>', 'also listen on TCP; callers there need a bearer token', parseListenAddress)
    .option('--tokens <file>', 'the bearer tokens file for TCP callers')
    .option('--in-process', 'run VMs inside the daemon rather than in one worker process each')
    .option('--host-build <dir>', 'the package whose dependency tree holds the device plugins to load (default: this CLI\'s own package)')
    .option('--shutdown-timeout <seconds>', 'how long a guest has to shut down when asked (default: 30)', parseSeconds)
    .action(async (options: HostStartOptions) => {
      const { io } = context;
      const dataDir = resolve(io.cwd, options.dataDir ?? defaultDataDir(io.homeDir));
      // Loaded here, not at the top: every other command is a thin client and starts faster without the daemon's code.
      const { startVmmsDaemon } = await import('@tsvisor/vmms');
      const daemon = await startVmmsDaemon({
        dataDir,
        hostPackageDir: options.hostBuild === undefined ? cliPackageDir() : resolve(io.cwd, options.hostBuild),
        tcp: options.listenTcp,
        tokensFile: options.tokens === undefined ? undefined : resolve(io.cwd, options.tokens),
        workerMode: options.inProcess ? 'in-process' : 'process',
        shutdownTimeoutMs: options.shutdownTimeout === undefined ? undefined : options.shutdownTimeout * 1000,
      });
      context.print(`tsvisor daemon listening on ${formatDaemonEndpoint({ kind: 'unix', socketPath: daemon.socketPath })}`);
      if (daemon.tcpAddress !== undefined) {
        context.print(`tsvisor daemon listening on ${formatDaemonEndpoint({ kind: 'tcp', ...daemon.tcpAddress })}`);
      }
      const deviceClasses = daemon.composition.registry.classes().map((deviceClass) => deviceClass.id);
      context.print(`device classes: ${deviceClasses.join(', ') || 'none'}`);
      context.print(`data directory ${dataDir}; stop with Ctrl-C`);
      await untilAborted(io.interrupt);
      io.stderr.write('stopping the daemon…\n');
      await daemon.close();
      io.stderr.write('stopped\n');
    });
}
