/** Interface GUID of the bench device offered to the channel bench guests. */
export const BENCH_DEVICE_TYPE = 'b3c5a7e1-0d2f-4e6a-8b19-5c7d3e9f1a20';
export const BENCH_DEVICE_INSTANCE = 'b3c5a7e1-0d2f-4e6a-8b19-5c7d3e9f1a21';

/** Pages per ring for throughput: 1 MiB of data, room for sixteen 64 KiB packets. */
export const BENCH_RING_PAGES = 257;

/** Guest pages the bench guests give VMBus (above the first 1 MiB of an 8 MiB partition). */
export const BENCH_ARENA = { firstPfn: 256, pageCount: 1024 } as const;
