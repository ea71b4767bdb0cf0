import type { EntropyDevice } from '../../guest/entropy-driver.js';

/** The part of the guest kernel's Machine this program uses (device packages do not import the kernel). */
interface Machine {
  readonly devices: { first<Device>(classId: string): Device | undefined };
  readonly console: { log(...values: unknown[]): void };
}

/** Bytes the program reads: 100 KiB. */
const READ_BYTES = 100 * 1024;
/**
 * The most a histogram of uniform bytes may deviate (chi-square, 255 degrees of freedom: mean 255,
 * standard deviation 22.6), so the check fails for broken sources, not by chance (about 1 in 10^9).
 */
const CHI_SQUARE_LIMIT = 400;

/**
 * Test guest program: reads 100 KiB from the `acme.entropy` device, logs how many bytes came and
 * whether their histogram looks uniform, and ends (which halts the VM).
 */
export default async function program(machine: Machine): Promise<number> {
  const entropy = machine.devices.first<EntropyDevice>('acme.entropy');
  if (!entropy) {
    machine.console.log('entropy: no device');
    return 1;
  }
  const bytes = await entropy.getRandomValues(new Uint8Array(READ_BYTES));
  const histogram = new Array<number>(256).fill(0);
  for (const byte of bytes) histogram[byte]!++;
  const expected = bytes.length / 256;
  const chiSquare = histogram.reduce((sum, count) => sum + (count - expected) ** 2 / expected, 0);
  const seen = histogram.filter((count) => count > 0).length;
  machine.console.log(`entropy: read ${bytes.length} bytes in requests of at most ${entropy.limits.maxRequestBytes}`);
  const ok = seen === 256 && chiSquare < CHI_SQUARE_LIMIT;
  machine.console.log(`entropy: histogram ${ok ? 'ok' : 'skewed'} (${seen} values seen, chi-square ${chiSquare.toFixed(1)})`);
  return ok ? 0 : 2;
}
