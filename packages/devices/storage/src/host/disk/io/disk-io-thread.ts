import { readSync, writeSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import { runClock } from '../../run-clock.js';
import { DiskIoError } from './disk-io-error.js';
import { DiskIoLayout, diskIoOffsets } from './disk-io-layout.js';
import { DISK_IO_THREAD_SOURCE } from './disk-io-thread-source.js';
import { InlineIoPolicy } from './inline-io-policy.js';

const { control, jobs, op } = DiskIoLayout;
const MASK = jobs - 1;
/** Largest job: lengths travel as int32. */
const MAX_JOB_BYTES = 0x4000_0000;

type Settle = () => void;

const RESOLVED = Promise.resolve();

/**
 * Positioned reads and writes of one open file straight into and out of guest memory, on a thread
 * of their own (DESIGN §4: `fs.read` straight into the guest page). Guest memory is a
 * SharedArrayBuffer, so the thread fills it in place with `readSync`; the VSP's event loop never
 * blocks on the disk, and no request crosses libuv's thread pool.
 *
 * The host puts jobs on a lock-free ring in shared memory (waking the thread only when it sleeps)
 * and learns of completions from one message of the thread per batch (when it waits). The thread starts
 * with the first job and serves the one guest memory it was started with; views of any other
 * buffer are not {@link DiskIoThread.accepts accepted} (the caller uses its ordinary path). The
 * thread checks every job against guest memory and {@link DiskIoThread.fileLimit}; a failed job
 * rejects its promise with a {@link DiskIoError}, and a thread that dies fails the jobs in flight
 * and accepts no more. {@link DiskIoThread.close} finishes the jobs submitted and ends the thread:
 * call it before closing the file.
 *
 * Small jobs run on the caller's thread instead while they are fast and the thread has nothing
 * in flight (so jobs keep their order): see {@link InlineIoPolicy}. They are checked the same way.
 * A caller that can use an answer without a promise asks {@link DiskIoThread.readNow} and
 * {@link DiskIoThread.writeNow} first.
 */
export class DiskIoThread {
  private readonly shared = new SharedArrayBuffer(diskIoOffsets.size);
  private readonly ctl = new Int32Array(this.shared, 0, control.words);
  private readonly limit = new Float64Array(this.shared, diskIoOffsets.floats, 8);
  private readonly submitted = new Int32Array(this.shared, diskIoOffsets.submitRing, jobs);
  private readonly completed = new Int32Array(this.shared, diskIoOffsets.completeRing, jobs);
  private readonly positions = new Float64Array(this.shared, diskIoOffsets.positions, jobs);
  private readonly guestOffsets = new Float64Array(this.shared, diskIoOffsets.guestOffsets, jobs);
  private readonly operations = new Int32Array(this.shared, diskIoOffsets.operations, jobs);
  private readonly lengths = new Int32Array(this.shared, diskIoOffsets.lengths, jobs);
  private readonly results = new Int32Array(this.shared, diskIoOffsets.results, jobs);
  /** Free job numbers, a stack. */
  private readonly free = new Int32Array(jobs);
  private freeCount: number = jobs;
  private readonly resolvers: (Settle | undefined)[] = new Array<Settle | undefined>(jobs).fill(undefined);
  private readonly rejecters: (((error: Error) => void) | undefined)[] = new Array<((error: Error) => void) | undefined>(jobs).fill(undefined);
  private submitTail = 0;
  private inlineCount = 0;
  private completeHead = 0;
  private inFlight = 0;
  /** The host waits for the thread's message that completions are there. */
  private waiting = false;
  private worker: Worker | undefined;
  private memory: SharedArrayBuffer | undefined;
  private ended = false;
  /** Settles when the thread has exited (for whatever reason). */
  private exited: Promise<void> | undefined;
  private closing: Promise<void> | undefined;
  private captureResolve: Settle | undefined;
  private captureReject: ((error: Error) => void) | undefined;
  /** The promise executor, bound once: it hands its functions over through fields. */
  private readonly capture = (resolve: Settle, reject: (error: Error) => void): void => {
    this.captureResolve = resolve;
    this.captureReject = reject;
  };
  private readonly wake = (): void => {
    this.waiting = false;
    this.drain();
    this.arm();
  };

  constructor(
    /** The file, for errors. */
    private readonly path: string,
    /** Its descriptor: the thread reads and writes it; keep it open until {@link close} settles. */
    private readonly fd: number,
    fileLimit: number,
    /** Which jobs run on the caller's thread. */
    readonly inlinePolicy: InlineIoPolicy = new InlineIoPolicy(),
  ) {
    for (let i = 0; i < jobs; i++) this.free[i] = jobs - 1 - i;
    this.fileLimit = fileLimit;
  }

  /** Bytes of the file the thread may touch: every job must end at or before it. */
  get fileLimit(): number {
    return this.limit[DiskIoLayout.fileLimit]!;
  }

  set fileLimit(bytes: number) {
    this.limit[DiskIoLayout.fileLimit] = bytes;
  }

  /** Whether a job on `view` can go to the thread now: a view of its guest memory, with a free job. */
  accepts(view: Uint8Array): boolean {
    const buffer = view.buffer;
    return !this.ended && this.freeCount !== 0 && view.length < MAX_JOB_BYTES && buffer instanceof SharedArrayBuffer && (this.memory === undefined || this.memory === buffer);
  }

  /** Fills `target` (an {@link accepts accepted} view) from the file at `position`; bytes past its end read as zeros. */
  read(target: Uint8Array, position: number): Promise<void> {
    try {
      if (this.readNow(target, position)) return RESOLVED;
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.submit(op.read, target, position);
  }

  /** Writes `source` (an {@link accepts accepted} view) to the file at `position`. */
  write(source: Uint8Array, position: number): Promise<void> {
    try {
      if (this.writeNow(source, position)) return RESOLVED;
    } catch (error) {
      return Promise.reject(error as Error);
    }
    return this.submit(op.write, source, position);
  }

  /**
   * {@link DiskIoThread.read} done now, on the caller's thread, if the job runs inline (the
   * {@link InlineIoPolicy} says so, the thread has nothing in flight and is not closed): returns
   * true when the data is there, false (having done nothing) when the job has to go to the thread
   * — call `read` then, if the thread {@link accepts} the view. Any view will do inline, so the
   * fast path asks nothing of its buffer. No promise either way.
   * @throws {@link DiskIoError} - as `read` rejects.
   */
  readNow(target: Uint8Array, position: number): boolean {
    if (this.ended || this.inFlight !== 0 || !this.inlinePolicy.inline(target.length)) return false;
    this.runInline(op.read, target, position);
    return true;
  }

  /** {@link DiskIoThread.write} done now if it runs inline; see {@link DiskIoThread.readNow}. */
  writeNow(source: Uint8Array, position: number): boolean {
    if (this.ended || this.inFlight !== 0 || !this.inlinePolicy.inline(source.length)) return false;
    this.runInline(op.write, source, position);
    return true;
  }

  /** Jobs that ran on the caller's thread. */
  get inlineJobs(): number {
    return this.inlineCount;
  }

  /** Runs a job on the caller's thread, with the thread's checks and semantics; throws what the job would reject with. */
  private runInline(operation: number, view: Uint8Array, position: number): void {
    // The first view of shared memory names the memory the thread will serve (asked once only:
    // the buffer getter is a runtime call).
    if (this.memory === undefined) {
      const buffer = view.buffer;
      if (buffer instanceof SharedArrayBuffer) this.memory = buffer;
    }
    const length = view.length;
    if (!(position >= 0 && position + length <= this.fileLimit)) throw this.error(DiskIoLayout.outOfBounds);
    this.inlineCount++;
    // From the last reading of this run: the end of the job before, if there was one.
    const started = runClock.recent();
    try {
      let done = 0;
      if (operation === op.read) {
        while (done < length) {
          const n = readSync(this.fd, view, done, length - done, position + done);
          if (n === 0) {
            view.fill(0, done);
            break;
          }
          done += n;
        }
      } else {
        while (done < length) done += writeSync(this.fd, view, done, length - done, position + done);
      }
    } catch (error) {
      const errno = (error as { errno?: unknown }).errno;
      throw this.error(typeof errno === 'number' && errno !== 0 ? -Math.abs(errno) : -1);
    } finally {
      this.inlinePolicy.record(runClock.fresh() - started);
    }
  }

  /** Finishes the jobs submitted, then ends the thread. Idempotent. */
  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.ended = true;
    const worker = this.worker;
    if (!worker) {
      this.closing = Promise.resolve();
      return this.closing;
    }
    worker.ref();
    Atomics.store(this.ctl, control.stop, 1);
    Atomics.notify(this.ctl, control.submitTail);
    this.closing = this.exited!;
    return this.closing;
  }

  private submit(operation: number, view: Uint8Array, position: number): Promise<void> {
    if (this.worker === undefined) this.start(view.buffer as SharedArrayBuffer);
    this.inlinePolicy.offloaded();
    const job = this.free[--this.freeCount]!;
    this.operations[job] = operation;
    this.positions[job] = position;
    this.guestOffsets[job] = view.byteOffset;
    this.lengths[job] = view.length;
    const promise = new Promise<void>(this.capture);
    this.resolvers[job] = this.captureResolve;
    this.rejecters[job] = this.captureReject;
    const tail = this.submitTail;
    this.submitted[tail & MASK] = job;
    this.submitTail = (tail + 1) | 0;
    const ctl = this.ctl;
    Atomics.store(ctl, control.submitTail, this.submitTail);
    // Only the first job after the thread went to sleep pays for waking it.
    if (Atomics.load(ctl, control.threadSleeping) === 1 && Atomics.compareExchange(ctl, control.threadSleeping, 1, 0) === 1) Atomics.notify(ctl, control.submitTail);
    if (this.inFlight++ === 0) this.worker!.ref();
    this.arm();
    return promise;
  }

  private start(memory: SharedArrayBuffer): void {
    this.memory = memory;
    const worker = new Worker(DISK_IO_THREAD_SOURCE, { eval: true, workerData: { shared: this.shared, memory, fd: this.fd }, stdout: false, stderr: false });
    this.worker = worker;
    worker.on('message', this.wake);
    worker.on('error', (error) => this.fail(`its I/O thread failed: ${error.message}`));
    this.exited = new Promise<void>((resolve) => {
      worker.once('exit', (code) => {
        this.fail(`its I/O thread exited (code ${code})`);
        resolve();
      });
    });
  }

  /**
   * Waits for the thread's message that completions are there while jobs are in flight; settles
   * those that are already done. (A message, not `Atomics.waitAsync`: under load, a waitAsync
   * woken from the thread was seen never to resolve.)
   */
  private arm(): void {
    const ctl = this.ctl;
    while (!this.waiting && this.inFlight !== 0) {
      Atomics.store(ctl, control.hostWaiting, 1);
      if (Atomics.load(ctl, control.completeTail) === this.completeHead) {
        this.waiting = true;
        return;
      }
      Atomics.store(ctl, control.hostWaiting, 0);
      this.drain();
    }
  }

  /** Settles every completed job. */
  private drain(): void {
    const ctl = this.ctl;
    let head = this.completeHead;
    const tail = Atomics.load(ctl, control.completeTail);
    while (head !== tail) {
      const job = this.completed[head & MASK]!;
      head = (head + 1) | 0;
      this.settle(job, this.results[job]!);
    }
    this.completeHead = head;
    Atomics.store(ctl, control.completeHead, head);
  }

  private settle(job: number, result: number): void {
    const resolve = this.resolvers[job];
    const reject = this.rejecters[job];
    this.resolvers[job] = undefined;
    this.rejecters[job] = undefined;
    this.free[this.freeCount++] = job;
    if (--this.inFlight === 0 && !this.ended) this.worker?.unref();
    if (result >= 0) resolve?.();
    else reject?.(this.error(result));
  }

  private error(result: number): DiskIoError {
    if (result === DiskIoLayout.outOfBounds) return new DiskIoError(this.path, 0, 'the range lies outside guest memory or the file');
    return new DiskIoError(this.path, result, `errno ${result}`);
  }

  /** The thread is gone: settles what it completed, fails what it did not, and accepts nothing more. */
  private fail(problem: string): void {
    this.ended = true;
    this.waiting = false;
    this.drain();
    for (let job = 0; job < jobs; job++) {
      const reject = this.rejecters[job];
      if (reject === undefined) continue;
      this.resolvers[job] = undefined;
      this.rejecters[job] = undefined;
      this.inFlight--;
      reject(new DiskIoError(this.path, 0, problem));
    }
  }
}
