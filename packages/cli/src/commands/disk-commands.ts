import { resolve } from 'node:path';
import type { Command } from 'commander';
import { followJob } from '../jobs/follow-job.js';
import { formatImageInfo } from '../output/image-info-text.js';
import type { CommandContext } from './command-context.js';
import { ImageProblemsError } from './image-problems-error.js';

interface CreateOptions {
  readonly size: string;
  readonly format: string;
  readonly fixed?: boolean;
  readonly parent?: string;
  readonly blockSize?: string;
  readonly json?: boolean;
}

interface ConvertOptions {
  readonly to: string;
  readonly fixed?: boolean;
  readonly json?: boolean;
}

/**
 * `tsvisor disk …`: disk images on the daemon's host, through the VMMS's image management service
 * (as Hyper-V's `New-VHD`, `Get-VHD`, `Convert-VHD`, `Test-VHD`). Paths are taken from the current
 * directory and sent absolute; sizes go to the daemon as written (`10G`), which checks them.
 */
export function addDiskCommands(program: Command, context: CommandContext): void {
  const disk = program
    .command('disk')
    .description("create, describe, convert and check disk images on the daemon's host");
  const absolute = (file: string): string => resolve(context.io.cwd, file);

  disk
    .command('create')
    .description('create a disk image (dynamic unless --fixed)')
    .argument('<file>', 'the new image; nothing may exist there')
    .requiredOption('--size <size>', 'virtual size, e.g. 10G')
    .option('--format <format>', 'vhdx, vhd or raw', 'vhdx')
    .option('--fixed', 'allocate the whole size now')
    .option('--parent <file>', 'make a differencing image over this parent (VHDX)')
    .option('--block-size <size>', 'allocation unit of a dynamic image, e.g. 32M (default: the format\'s)')
    .option('--json', 'print the image as JSON')
    .action(async (file: string, options: CreateOptions) => {
      const { image } = await context.client().createImage({
        path: absolute(file),
        format: options.format,
        size: options.size,
        ...(options.fixed ? { fixed: true } : {}),
        ...(options.parent === undefined ? {} : { parent: absolute(options.parent) }),
        ...(options.blockSize === undefined ? {} : { blockSize: options.blockSize }),
      });
      if (options.json) context.printJson(image);
      else context.print(`created ${image.format} image ${image.path}`);
    });

  disk
    .command('info')
    .description('describe a disk image: format, sizes, type, parent')
    .argument('<file>', 'the image')
    .option('--json', 'print the image as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const image = await context.client().getImageInfo(absolute(file));
      if (options.json) context.printJson(image);
      else context.io.stdout.write(formatImageInfo(image));
    });

  disk
    .command('convert')
    .description('copy a disk image into a new one of another format, showing progress on stderr')
    .argument('<source>', 'the image to convert')
    .argument('<destination>', 'the new image; nothing may exist there')
    .requiredOption('--to <format>', 'the new format: raw, vhd or vhdx')
    .option('--fixed', 'make the new image fixed (default dynamic)')
    .option('--json', 'print the new image as JSON')
    .action(async (source: string, destination: string, options: ConvertOptions) => {
      const client = context.client();
      const target = absolute(destination);
      const { job } = await client.convertImage({ source: absolute(source), destination: target, to: options.to, ...(options.fixed ? { fixed: true } : {}) });
      await followJob(client, job, { progress: context.io.stderr, label: `convert ${destination}`, signal: context.io.interrupt, bar: true });
      const image = await client.getImageInfo(target);
      if (options.json) context.printJson(image);
      else context.print(`converted ${source} to ${image.format} image ${image.path}`);
    });

  disk
    .command('check')
    .description('check a disk image: open it, validating its structures, and read it through (exit 1 on problems)')
    .argument('<file>', 'the image')
    .option('--json', 'print the outcome as JSON')
    .action(async (file: string, options: { json?: boolean }) => {
      const path = absolute(file);
      const result = await context.client().checkImage(path);
      if (options.json) context.printJson(result);
      else if (result.ok) context.print(`${path}: no problems found`);
      else for (const problem of result.problems) context.print(`${path}: ${problem}`);
      if (!result.ok) throw new ImageProblemsError(path, result.problems.length);
    });
}
