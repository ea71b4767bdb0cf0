import { schema } from '@tsvisor/device-sdk';
import { DuplicateVmNameError } from './duplicate-vm-name-error.js';
import type { InventoryScan, InventoryStore } from './inventory-store.js';
import { JsonFileDirectory } from './json-file-directory.js';
import { vmConfigurationSchema, type VmConfiguration } from './vm-configuration.js';

const GUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
const idSchema = schema.guid();

function byName(a: VmConfiguration, b: VmConfiguration): number {
  return a.name.localeCompare(b.name) || a.id.localeCompare(b.id);
}

/**
 * The default {@link InventoryStore}: one JSON file per VM, `<id>.json`, in one directory — the
 * way Hyper-V and libvirt keep per-VM configuration — kept by a {@link JsonFileDirectory}.
 *
 * - Writes are atomic (temp file, fsync, rename, fsync of the directory): a reader, or a restart
 *   after a crash, sees the old file or the new one, never a mix.
 * - Only valid configurations are written, and what is read is validated again: a file that is
 *   not JSON, not valid, or not the VM its name says gives an `InventoryFileError`.
 * - `list()` skips broken files so that one bad file does not hide the other VMs;
 *   {@link FileInventoryStore.scan} reports them, and removes temp files left by a crash.
 * - Writes (`put`, `delete`, `scan`'s clean-up) are serialized, which also makes the name check
 *   race-free. This covers one store object: the directory must have a single owner. A put reads
 *   every VM file to check the name, which is fine at inventory sizes (tens to thousands of VMs).
 */
export class FileInventoryStore implements InventoryStore {
  private readonly files: JsonFileDirectory<VmConfiguration>;

  constructor(
    /** The directory holding the VM files; created on the first write. */
    readonly directory: string,
  ) {
    this.files = new JsonFileDirectory(directory, { what: 'VM', stemPattern: GUID, schema: vmConfigurationSchema, key: { field: 'id', of: (vm) => vm.id } });
  }

  async list(): Promise<VmConfiguration[]> {
    const { records } = await this.files.read();
    return records.sort(byName);
  }

  async get(id: string): Promise<VmConfiguration | undefined> {
    return this.files.readRecord(idSchema.parse(id, 'id'));
  }

  async put(config: VmConfiguration): Promise<void> {
    // Validate before queueing: a bad configuration fails at once, with the field named.
    const valid = vmConfigurationSchema.parse(config);
    return this.files.serialized(async () => {
      const { records } = await this.files.read();
      const clash = records.find((vm) => vm.id !== valid.id && vm.name.toLowerCase() === valid.name.toLowerCase());
      if (clash !== undefined) throw new DuplicateVmNameError(valid.name, valid.id, clash.id);
      await this.files.write(valid.id, valid);
    });
  }

  async delete(id: string): Promise<boolean> {
    const canonical = idSchema.parse(id, 'id');
    return this.files.serialized(() => this.files.remove(canonical));
  }

  /**
   * Reads every VM file, reporting the broken ones instead of failing, and removes the temp files
   * of writes a crash interrupted. Files that are not named `<id>.json` are left alone.
   */
  async scan(): Promise<InventoryScan> {
    return this.files.serialized(async () => {
      const { records, problems, tempFiles } = await this.files.read();
      return { vms: records.sort(byName), problems, removedTempFiles: await this.files.removeTempFiles(tempFiles) };
    });
  }
}
