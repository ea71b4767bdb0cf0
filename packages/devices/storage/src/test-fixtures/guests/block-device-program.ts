import type { StorvscController } from '../../guest/storvsc-controller.js';
import { ScsiCommandError } from '../../guest/scsi-command-error.js';

/** The part of the guest kernel's Machine this program uses (device packages do not import the kernel). */
interface Machine {
  readonly devices: { first<Device>(classId: string): Device | undefined };
  readonly console: { log(...values: unknown[]): void };
}

/**
 * Test guest program: writes sectors 1–8 of LUN 0 with a pattern, reads them back, reads nothing, tries a write
 * to LUN 1 (read-only), reads 32 sectors at once over every channel once the sub-channels are
 * open, waits for the host to hot-add LUN 2 and reads its first sector, then waits for the host
 * to remove the controller.
 */
export default async function program(machine: Machine): Promise<number> {
  const controller = machine.devices.first<StorvscController>('storage.scsi');
  if (!controller) return 1;
  const disk = controller.disk(0)!;
  machine.console.log(`lun0 ${disk.sizeBytes} bytes of ${disk.sectorSize}`);
  const pattern = new Uint8Array(8 * disk.sectorSize);
  for (let i = 0; i < pattern.length; i++) pattern[i] = (i * 7) & 0xff;
  await disk.write(1, pattern);
  await disk.flush();
  const back = new Uint8Array(pattern.length);
  await disk.read(1, back);
  machine.console.log(back.every((byte, i) => byte === pattern[i]) ? 'readback ok' : 'readback differs');
  machine.console.log(`empty read ${await disk.read(0, new Uint8Array(0)).catch((error: unknown) => String(error))}`);
  try {
    await controller.disk(1)!.write(0, new Uint8Array(disk.sectorSize));
    machine.console.log('read-only write succeeded');
  } catch (error) {
    machine.console.log(error instanceof ScsiCommandError ? `read-only write refused: sense key ${error.senseKey}` : `read-only write: ${String(error)}`);
  }
  const subChannels = await controller.subChannelsOpened;
  const before = controller.requestsPerChannel();
  await Promise.all(Array.from({ length: 32 }, (_, i) => disk.read(i, new Uint8Array(disk.sectorSize))));
  const perChannel = controller.requestsPerChannel().map((n, i) => n - (before[i] ?? 0));
  machine.console.log(`sub-channels ${subChannels}, reads per channel ${perChannel.join(',')}`);
  const added = await new Promise<number>((resolve) => {
    machine.console.log('waiting for lun 2');
    controller.changes$.subscribe((change) => {
      if (change.kind === 'added') resolve(change.disk.lun);
    });
  });
  const first = new Uint8Array(controller.disk(added)!.sectorSize);
  await controller.disk(added)!.read(0, first);
  machine.console.log(`lun ${added} first byte ${first[0]}`);
  // The controller's changes end when the host rescinds it.
  await new Promise<void>((resolve) => controller.changes$.subscribe({ complete: resolve, error: () => resolve() }));
  const gone = await controller.disk(0)!.read(0, new Uint8Array(disk.sectorSize)).then(
    () => 'still reads',
    (error: unknown) => (error instanceof Error ? error.name : String(error)),
  );
  machine.console.log(`controller removed: ${gone}`);
  return 0;
}
