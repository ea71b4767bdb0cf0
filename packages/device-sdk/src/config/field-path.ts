/** Names a property the way JavaScript would: `.name` when it is an identifier, `["odd key"]` otherwise. */
const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * The path of property `key` inside the value at `path`, as {@link DeviceConfigError.field} shows
 * it: `devices[2].config` + `intervalSeconds` gives `devices[2].config.intervalSeconds`.
 * @internal
 */
export function propertyPath(path: string, key: string): string {
  if (!IDENTIFIER.test(key)) return `${path}[${JSON.stringify(key)}]`;
  return path ? `${path}.${key}` : key;
}

/**
 * The path of item `index` of the array at `path`: `devices` + 2 gives `devices[2]`.
 * @internal
 */
export function itemPath(path: string, index: number): string {
  return `${path}[${index}]`;
}
