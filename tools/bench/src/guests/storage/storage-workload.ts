import type { Machine } from '@tsvisor/guest';
import type { ScsiBlockDevice, StorvscController } from '@tsvisor/storage/guest';

/** One measurement the host asks the storage bench guest for (see `storage-program.ts`). */
export interface StorageWorkload {
  /** The label its result lines carry. */
  readonly label: string;
  readonly lun: number;
  /** `random`: reads at random block-aligned offsets; `sequential`: consecutive blocks, wrapping at the end. */
  readonly pattern: 'random' | 'sequential';
  readonly direction: 'read' | 'write';
  readonly blockBytes: number;
  /** Requests in flight. */
  readonly queueDepth: number;
  /** Measured windows, after one warm-up window that is not reported. */
  readonly windows: number;
  readonly windowMs: number;
}

/** The prefix of the console lines the storage suite parses: `<prefix> <label> <operations> <ms>`. */
export const RESULT_PREFIX = 'storage-bench';
/** The console line that ends the program's measurements. */
export const DONE_LINE = `${RESULT_PREFIX} done`;

/**
 * Storage bench guest program: runs `workloads` one after the other against the disks of the
 * first synthetic SCSI controller and writes one console line per measured window. Each request
 * loop has its buffer in guest memory, lent by the controller, so data moves in place. Clocked with
 * `Date.now()` (a guest has no timers): each of the `queueDepth` request loops stops issuing once
 * the window is over.
 */
export async function runStorageWorkloads(machine: Machine, workloads: readonly StorageWorkload[]): Promise<number> {
  const controller = machine.devices.first<StorvscController>('storage.scsi');
  if (!controller) {
    machine.console.log(`${RESULT_PREFIX} error no storage controller`);
    return 1;
  }
  for (const workload of workloads) {
    const disk = controller.disk(workload.lun);
    if (!disk) {
      machine.console.log(`${RESULT_PREFIX} error no disk at LUN ${workload.lun}`);
      return 1;
    }
    // Buffers in guest memory, as a benchmark with O_DIRECT has: the host moves the data in place.
    const buffers = await controller.allocateBuffer(workload.queueDepth * workload.blockBytes);
    try {
      const run = new WorkloadRun(disk, workload, buffers.bytes);
      await run.window(); // warm-up
      for (let i = 0; i < workload.windows; i++) {
        const { operations, ms } = await run.window();
        machine.console.log(`${RESULT_PREFIX} ${workload.label} ${operations} ${ms}`);
      }
    } finally {
      controller.releaseBuffer(buffers);
    }
  }
  machine.console.log(DONE_LINE);
  return 0;
}

/** The request loops of one workload; buffers and the sequential cursor live across windows. */
class WorkloadRun {
  private readonly blocks: number;
  private readonly sectorsPerBlock: number;
  private readonly buffers: Uint8Array[];
  private next = 0;
  private seed = 0x9e3779b9;

  constructor(
    private readonly disk: ScsiBlockDevice,
    private readonly workload: StorageWorkload,
    /** Guest memory for the request loops' buffers: `queueDepth` × `blockBytes`. */
    memory: Uint8Array,
  ) {
    this.blocks = Math.floor(disk.sizeBytes / workload.blockBytes);
    this.sectorsPerBlock = workload.blockBytes / disk.sectorSize;
    const { blockBytes } = workload;
    this.buffers = Array.from({ length: workload.queueDepth }, (_, i) => memory.subarray(i * blockBytes, (i + 1) * blockBytes).fill(0x5a));
  }

  async window(): Promise<{ operations: number; ms: number }> {
    const start = Date.now();
    const end = start + this.workload.windowMs;
    const counts = await Promise.all(this.buffers.map((buffer) => this.loop(buffer, end)));
    return { operations: counts.reduce((sum, n) => sum + n, 0), ms: Date.now() - start };
  }

  private async loop(buffer: Uint8Array, end: number): Promise<number> {
    const { disk, sectorsPerBlock } = this;
    const write = this.workload.direction === 'write';
    let operations = 0;
    while (Date.now() < end) {
      const lba = this.nextBlock() * sectorsPerBlock;
      await (write ? disk.write(lba, buffer) : disk.read(lba, buffer));
      operations++;
    }
    return operations;
  }

  private nextBlock(): number {
    if (this.workload.pattern === 'sequential') {
      const block = this.next;
      this.next = (block + 1) % this.blocks;
      return block;
    }
    // xorshift32: cheap and good enough to defeat any read-ahead.
    let x = this.seed;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.seed = x >>> 0;
    return this.seed % this.blocks;
  }
}
