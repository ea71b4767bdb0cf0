/**
 * The shared memory between a {@link DiskIoThread} and its thread: a control block, two
 * single-producer single-consumer rings of job numbers (submitted: host → thread; completed:
 * thread → host) and the jobs' fields, one entry per job number. One definition, used by both
 * ends (the thread's source is generated from these numbers).
 */
export const DiskIoLayout = {
  /** Jobs in flight at most: a power of two (so ring indices wrap by mask), as many as the VSP's slots. */
  jobs: 256,
  /** Int32 words of the control block. */
  control: {
    /** Next submitted job the thread takes (thread-owned). */
    submitHead: 0,
    /** Where the host puts the next submitted job (host-owned). */
    submitTail: 1,
    /** Next completed job the host takes (host-owned). */
    completeHead: 2,
    /** Where the thread puts the next completed job (thread-owned). */
    completeTail: 3,
    /** 1 while the thread sleeps (waits on `submitTail`): the host must notify it. */
    threadSleeping: 4,
    /** 1 while the host waits (asynchronously) on `completeTail`: the thread must notify it. */
    hostWaiting: 5,
    /** 1 once the host asked the thread to finish the jobs submitted and exit. */
    stop: 6,
    /** Int32 words of the block (the Float64 fields follow, 8-byte aligned). */
    words: 8,
  },
  /** Float64 index (in the block after the control words) of the file size the thread may touch: no byte at or past it. */
  fileLimit: 0,
  /** Job operations. */
  op: { read: 1, write: 2 },
  /** Result of a job whose range lies outside guest memory or the file: it touched nothing. */
  outOfBounds: -1_000_001,
} as const;

/** Byte offsets of the parts of a {@link DiskIoLayout} buffer, and its size. */
export const diskIoOffsets = (() => {
  const { jobs, control } = DiskIoLayout;
  const floats = control.words * 4;
  const submitRing = floats + 8 * 8;
  const completeRing = submitRing + jobs * 4;
  const positions = completeRing + jobs * 4;
  const guestOffsets = positions + jobs * 8;
  const operations = guestOffsets + jobs * 8;
  const lengths = operations + jobs * 4;
  const results = lengths + jobs * 4;
  return { floats, submitRing, completeRing, positions, guestOffsets, operations, lengths, results, size: results + jobs * 4 };
})();
