import type { Machine } from '@tsvisor/guest';
import type { StorvscController } from '@tsvisor/storage/guest';

/**
 * Example guest program: finds the synthetic SCSI controller, writes a pattern to sectors 0–15 of
 * its first disk with many requests in flight, flushes, reads them back, then reads them again in
 * one request into a buffer lent by the controller (in guest memory: the host fills it in place),
 * and reports on the console. Exits 0 when the disk gave back what was written both times.
 */
export default async function blockDevice(machine: Machine): Promise<number> {
  const controller = machine.devices.first<StorvscController>('storage.scsi');
  const disk = controller?.disks[0];
  if (!disk) {
    machine.console.log('block-device: no disk');
    return 1;
  }
  machine.console.log(`block-device: LUN ${disk.lun}, ${disk.sizeBytes / disk.sectorSize} sectors of ${disk.sectorSize} bytes (${disk.vendor} ${disk.product})`);
  const sectors = 16;
  const written = Array.from({ length: sectors }, (_, s) => new Uint8Array(disk.sectorSize).fill(0x40 + s));
  await Promise.all(written.map((data, s) => disk.write(s, data)));
  await disk.flush();
  const read = Array.from({ length: sectors }, () => new Uint8Array(disk.sectorSize));
  await Promise.all(read.map((data, s) => disk.read(s, data)));
  const same = read.every((data, s) => data.every((byte) => byte === 0x40 + s));
  machine.console.log(same ? `block-device: ${sectors} sectors written and read back` : 'block-device: read-back differs');
  if (!same) return 2;
  // The same sectors in one request, into a buffer in guest memory that the host fills in place.
  const buffer = await controller!.allocateBuffer(sectors * disk.sectorSize);
  try {
    const whole = buffer.bytes.subarray(0, sectors * disk.sectorSize);
    await disk.read(0, whole);
    const inPlace = whole.every((byte, i) => byte === 0x40 + Math.floor(i / disk.sectorSize));
    machine.console.log(inPlace ? `block-device: ${sectors} sectors read in place` : 'block-device: in-place read differs');
    return inPlace ? 0 : 3;
  } finally {
    controller!.releaseBuffer(buffer);
  }
}
