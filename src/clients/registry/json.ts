// Narrowing of JSON from the network: nothing remote is used before its shape is checked.
// The checks are valibot schemas (the same library validates `stevedore serve`'s request bodies):
// small, tree-shaken per schema (a few kB in the bundle) and cheap to load. The helpers below keep
// the shape the registry clients already use (`str(x)`, `records(x)`…); `parse(schema, value)`
// narrows a whole object in one step for code that prefers a schema per answer.
import * as v from 'valibot';

export type JsonRecord = Record<string, unknown>;

const recordSchema = v.record(v.string(), v.unknown());
const stringSchema = v.string();
const finiteSchema = v.pipe(v.number(), v.finite());
const booleanSchema = v.boolean();
const arraySchema = v.array(v.unknown());

export function isRecord(value: unknown): value is JsonRecord {
  return v.is(recordSchema, value) && !Array.isArray(value);
}

export function str(value: unknown): string | undefined {
  return v.is(stringSchema, value) ? value : undefined;
}

export function num(value: unknown): number | undefined {
  return v.is(finiteSchema, value) ? value : undefined;
}

export function bool(value: unknown): boolean | undefined {
  return v.is(booleanSchema, value) ? value : undefined;
}

/** A list of strings, or undefined when `value` is not a list; non-strings inside are dropped. */
export function strings(value: unknown): string[] | undefined {
  return v.is(arraySchema, value) ? value.filter((item): item is string => v.is(stringSchema, item)) : undefined;
}

export function records(value: unknown): JsonRecord[] {
  return v.is(arraySchema, value) ? value.filter(isRecord) : [];
}

/** A string-to-string map; other values dropped. */
export function stringMap(value: unknown): Record<string, string> | undefined {
  if (!isRecord(value)) return undefined;
  const out: Record<string, string> = {};
  for (const [k, item] of Object.entries(value)) if (v.is(stringSchema, item)) out[k] = item;
  return out;
}

/** The value narrowed by `schema`, or undefined when it does not fit (remote JSON is never trusted as typed). */
export function parse<S extends v.GenericSchema>(schema: S, value: unknown): v.InferOutput<S> | undefined {
  const result = v.safeParse(schema, value);
  return result.success ? result.output : undefined;
}
