import { DeviceConfigError } from '@tsvisor/device-sdk';
import { VIRTUAL_SWITCH_NAME_PATTERN, VirtualSwitchNameTakenError } from '@tsvisor/device-sdk/host';
import { JsonFileDirectory } from './json-file-directory.js';
import { virtualSwitchConfigurationSchema, type VirtualSwitchConfiguration } from './virtual-switch-configuration.js';
import type { VirtualSwitchScan, VirtualSwitchStore } from './virtual-switch-store.js';

/** The name pattern without its anchors: a file stem. */
const NAME = VIRTUAL_SWITCH_NAME_PATTERN.slice(1, -1);
const SWITCH_NAME = new RegExp(`^(?=.{1,64}$)${NAME}$`);

/**
 * The default {@link VirtualSwitchStore}: one JSON file per switch, `<name>.json`, in one directory
 * (`<dataDir>/switches`), written atomically and validated on reading as the VM inventory is
 * (a {@link JsonFileDirectory}); writes are serialized, so the name check is race-free.
 */
export class FileVirtualSwitchStore implements VirtualSwitchStore {
  private readonly files: JsonFileDirectory<VirtualSwitchConfiguration>;

  constructor(
    /** The directory holding the switch files; created on the first write. */
    readonly directory: string,
  ) {
    this.files = new JsonFileDirectory(directory, {
      what: 'virtual switch',
      stemPattern: NAME,
      schema: virtualSwitchConfigurationSchema,
      key: { field: 'name', of: (config) => config.name },
    });
  }

  async scan(): Promise<VirtualSwitchScan> {
    return this.files.serialized(async () => {
      const { records, problems, tempFiles } = await this.files.read();
      return { switches: records.sort((a, b) => a.name.localeCompare(b.name)), problems, removedTempFiles: await this.files.removeTempFiles(tempFiles) };
    });
  }

  async put(config: VirtualSwitchConfiguration): Promise<void> {
    const valid = virtualSwitchConfigurationSchema.parse(config);
    return this.files.serialized(async () => {
      const { records } = await this.files.read();
      const clash = records.find((other) => other.name !== valid.name && other.name.toLowerCase() === valid.name.toLowerCase());
      if (clash !== undefined) throw new VirtualSwitchNameTakenError(valid.name, clash.name);
      await this.files.write(valid.name, valid);
    });
  }

  async delete(name: string): Promise<boolean> {
    // Never build a path from what is not a switch name.
    if (!SWITCH_NAME.test(name)) throw new DeviceConfigError('name', `is not a virtual switch name: ${JSON.stringify(name)}`);
    return this.files.serialized(() => this.files.remove(name));
  }

  locationOf(name: string): string {
    return this.files.fileOf(name);
  }
}
