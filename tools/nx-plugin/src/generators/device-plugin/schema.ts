/** Options of the `device-plugin` generator, as given on the command line (see `schema.json`). */
export interface DevicePluginGeneratorSchema {
  /** Package name without the scope, lower-case kebab case: `demo-echo` makes `@tsvisor/demo-echo`. */
  readonly name: string;
  /** One line for package.json, the README and the changeset. */
  readonly description?: string;
  /** The device class id; default `<name>.device`. */
  readonly classId?: string;
  /** The class's VMBus interface type GUID; default a fresh random one. */
  readonly interfaceType?: string;
}
