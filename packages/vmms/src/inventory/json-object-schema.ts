import { DeviceConfigError, type ConfigSchema } from '@tsvisor/device-sdk';

/** A JSON value: what a configuration file can hold. */
export type JsonValue = null | boolean | number | string | readonly JsonValue[] | JsonObject;
/** A JSON object. */
export type JsonObject = { readonly [key: string]: JsonValue };

/** Deeper nesting is refused rather than risking the stack: no device configuration needs it. */
const MAX_DEPTH = 32;

function isPlainObject(value: object): boolean {
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}

function copyJson(value: unknown, path: string, depth: number): JsonValue {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return value;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw new DeviceConfigError(path, `must be JSON, got ${value}`);
    return value;
  }
  if (typeof value !== 'object') throw new DeviceConfigError(path, `must be JSON, got a ${typeof value}`);
  if (depth >= MAX_DEPTH) throw new DeviceConfigError(path, `is nested more than ${MAX_DEPTH} levels deep`);
  if (Array.isArray(value)) return value.map((item: unknown, index) => copyJson(item, `${path}[${index}]`, depth + 1));
  if (!isPlainObject(value)) throw new DeviceConfigError(path, 'must be a plain JSON object');
  // fromEntries defines properties, so a "__proto__" key stays a key and never becomes a prototype.
  return Object.fromEntries(
    Object.entries(value).map(([key, item]) => [key, copyJson(item, `${path}[${JSON.stringify(key)}]`, depth + 1)]),
  );
}

/**
 * Any JSON object, copied: a device's configuration as the VM configuration holds it, checked
 * against its device class later, by the worker process that loads the class.
 */
export function jsonObjectSchema(options: { readonly description?: string } = {}): ConfigSchema<JsonObject> & { readonly omittable: true } {
  return {
    omittable: true,
    parse(value, path = '') {
      if (value === undefined) return {};
      if (typeof value !== 'object' || value === null || Array.isArray(value)) {
        throw new DeviceConfigError(path, `must be a JSON object, got ${value === null ? 'null' : Array.isArray(value) ? 'an array' : `a ${typeof value}`}`);
      }
      return copyJson(value, path, 0) as JsonObject;
    },
    jsonSchema: () => ({ type: 'object', default: {}, ...(options.description !== undefined && { description: options.description }) }),
  };
}
