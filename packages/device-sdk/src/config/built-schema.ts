import type { ConfigSchema, JsonSchema } from './config-schema.js';

/**
 * A {@link ConfigSchema} made by one of the {@link schema} builders. Besides parsing, it tells an
 * enclosing `schema.object` whether the field may be left out.
 */
export interface BuiltSchema<T> extends ConfigSchema<T> {
  /** Whether an object may leave this field out: it is optional, or it has a default. */
  readonly omittable: boolean;
}

/** Options every builder takes: they only annotate the JSON Schema. */
export interface SchemaAnnotations {
  /** Shown by the CLI and the REST API's schema next to the field. */
  readonly description?: string;
}

/**
 * Whether an object may leave out a field of this schema. A hand-written {@link ConfigSchema}
 * says nothing about it, so its field is required.
 * @internal
 */
export function isOmittable(schema: ConfigSchema<unknown>): boolean {
  return (schema as Partial<BuiltSchema<unknown>>).omittable === true;
}

/**
 * `keywords` with the `default` and `description` annotations added when they are set.
 * @internal
 */
export function annotated(keywords: JsonSchema, annotations: SchemaAnnotations & { readonly default?: unknown }): JsonSchema {
  return {
    ...keywords,
    ...(annotations.default !== undefined && { default: annotations.default }),
    ...(annotations.description !== undefined && { description: annotations.description }),
  };
}

/**
 * Returns `built` after checking that it accepts its own default: a default that breaks the
 * schema's constraints is a mistake of the plugin author, reported when the schema is built.
 * @internal
 */
export function withCheckedDefault<S extends BuiltSchema<unknown>>(builder: string, built: S, defaultValue: unknown): S {
  if (defaultValue === undefined) return built;
  try {
    built.parse(defaultValue);
  } catch (error) {
    throw new TypeError(`schema.${builder}: invalid default: ${(error as Error).message}`, { cause: error });
  }
  return built;
}
