import storageHostModule, { DiskFormatRegistry, StorageVspFactory } from '@tsvisor/storage/host';
import { Container } from 'inversify';
import { mkdtemp, rm } from 'node:fs/promises';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomReadRate, sequentialRate } from '../baselines/host-file-io.js';
import { ringRoundTripRate } from '../baselines/ring-round-trip.js';
import { handOverRate } from '../baselines/thread-hand-over.js';
import { median, type Figure, type Suite } from '../figure.js';
import type { StorageWorkload } from '../guests/storage/storage-workload.js';
import { createBenchDisks } from '../storage/bench-disks.js';
import { runStorageVm } from '../storage/storage-vm.js';

const MIB = 1024 * 1024;
/** Size of every image: large enough that random reads do not stay in the CPU caches. */
const DISK_BYTES = 256 * MIB;
const BLOCK = 4096;
const CHUNK = MIB;
/** Measured windows of every figure and baseline, after one warm-up window. */
const WINDOWS = 5;
const WINDOW_MS = 1000;

function workload(label: string, lun: number, pattern: StorageWorkload['pattern'], direction: StorageWorkload['direction'], blockBytes: number, queueDepth: number): StorageWorkload {
  return { label, lun, pattern, direction, blockBytes, queueDepth, windows: WINDOWS, windowMs: WINDOW_MS };
}

/** The median of {@link WINDOWS} windows of `measure` (a baseline or a floor), after a warm-up window. */
async function warmedMedian(measure: () => number | Promise<number>): Promise<number> {
  await measure();
  return median(WINDOWS, async () => measure());
}

function medianOf(rates: Map<string, number[]>, label: string): number {
  const values = [...(rates.get(label) ?? [])].sort((a, b) => a - b);
  if (values.length === 0) throw new Error(`the guest reported nothing for ${label}`);
  return values[Math.floor(values.length / 2)]!;
}

function perSecond(value: number): string {
  return Math.round(value).toLocaleString('en-US');
}

function megabytes(bytesPerSecond: number): string {
  return (bytesPerSecond / 1e6).toPrecision(4);
}

export const storageSuite: Suite = {
  name: 'storage',
  description: 'guest block I/O through storvsc/storvsp on raw and VHDX images, against host readSync/writeSync of the same files',
  async run(): Promise<Figure[]> {
    const container = new Container();
    await container.load(storageHostModule);
    const factory = container.get(StorageVspFactory);
    const dir = await mkdtemp(join(tmpdir(), 'tsvisor-bench-storage-'));
    try {
      const disks = await createBenchDisks(container.get(DiskFormatRegistry), dir, DISK_BYTES);
      const load = loadavg();

      const randBase = await warmedMedian(() => randomReadRate(disks.raw, DISK_BYTES, BLOCK, WINDOW_MS));
      const floor32 = await warmedMedian(() => ringRoundTripRate(disks.raw, DISK_BYTES, BLOCK, 32, WINDOW_MS));
      const floor1 = await warmedMedian(() => ringRoundTripRate(disks.raw, DISK_BYTES, BLOCK, 1, WINDOW_MS));
      const handOver1 = await warmedMedian(() => handOverRate(disks.raw, DISK_BYTES, BLOCK, WINDOW_MS));
      const seqReadBase = await warmedMedian(() => sequentialRate(disks.raw, 'read', DISK_BYTES, CHUNK, WINDOW_MS));
      const seqWriteBase = await warmedMedian(() => sequentialRate(disks.scratch, 'write', DISK_BYTES, CHUNK, WINDOW_MS));

      const interrupt = await runStorageVm({
        dir,
        name: 'storage-interrupt',
        factory,
        disks: [
          { lun: 0, path: disks.raw, format: 'raw' },
          { lun: 1, path: disks.vhdx, format: 'vhdx' },
          { lun: 2, path: disks.scratch, format: 'raw' },
        ],
        poll: false,
        workloads: [
          workload('randread-qd32-raw', 0, 'random', 'read', BLOCK, 32),
          workload('randread-qd32-vhdx', 1, 'random', 'read', BLOCK, 32),
          workload('seqread-raw', 0, 'sequential', 'read', CHUNK, 1),
          workload('seqwrite-raw', 2, 'sequential', 'write', CHUNK, 1),
        ],
      });
      const polled = await runStorageVm({
        dir,
        name: 'storage-poll',
        factory,
        disks: [{ lun: 0, path: disks.raw, format: 'raw' }],
        poll: true,
        workloads: [workload('randread-qd1-raw', 0, 'random', 'read', BLOCK, 1)],
      });

      const qd32 = medianOf(interrupt, 'randread-qd32-raw');
      const vhdx = medianOf(interrupt, 'randread-qd32-vhdx');
      const qd1 = medianOf(polled, 'randread-qd1-raw');
      const seqRead = medianOf(interrupt, 'seqread-raw') * CHUNK;
      const seqWrite = medianOf(interrupt, 'seqwrite-raw') * CHUNK;
      const randBaseline = `host readSync of 4 KiB at random ${perSecond(randBase)} reads/s`;
      const againstBase = (name: string, rate: number): string => `; ${name} ${perSecond(rate)} reads/s (${(rate / randBase).toFixed(2)}×)`;
      const loadNote = `; load ${load.map((l) => l.toFixed(2)).join(' ')}`;
      return [
        { name: 'randread-4KiB-qd32-raw', value: qd32, unit: 'reads/s', baseline: randBaseline + againstBase('bare rings', floor32) + loadNote, ratio: qd32 / randBase },
        { name: 'randread-4KiB-qd1-poll-raw', value: qd1, unit: 'reads/s', baseline: randBaseline + againstBase('bare rings', floor1) + againstBase('one-word hand-over', handOver1), ratio: qd1 / randBase },
        { name: 'randread-4KiB-qd32-vhdx-vs-raw', value: vhdx, unit: 'reads/s', baseline: `randread-4KiB-qd32-raw ${perSecond(qd32)} reads/s`, ratio: vhdx / qd32 },
        { name: 'seqread-1MiB-raw', value: seqRead / 1e6, unit: 'MB/s', baseline: `host readSync of 1 MiB ${megabytes(seqReadBase)} MB/s`, ratio: seqRead / seqReadBase },
        { name: 'seqwrite-1MiB-raw', value: seqWrite / 1e6, unit: 'MB/s', baseline: `host writeSync of 1 MiB ${megabytes(seqWriteBase)} MB/s`, ratio: seqWrite / seqWriteBase },
      ];
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  },
};
