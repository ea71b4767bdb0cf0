/** A JSON Schema (draft 2020-12) document or sub-schema, as plain data. */
export type JsonSchema = { readonly [keyword: string]: unknown };

/**
 * A device configuration's schema: validates untrusted input (a VM configuration file, a REST
 * body) into a typed value, with a {@link DeviceConfigError} naming the field on failure, and
 * describes itself as JSON Schema for the REST API and the CLI.
 */
export interface ConfigSchema<T> {
  /** Validates `value` and returns it typed, defaults applied. `path` prefixes field names in errors. */
  parse(value: unknown, path?: string): T;
  /** The JSON Schema this schema accepts. */
  jsonSchema(): JsonSchema;
}

/** The type a {@link ConfigSchema} yields. */
export type ConfigOf<S> = S extends ConfigSchema<infer T> ? T : never;
