import fc from 'fast-check';

/**
 * A small JSON Schema (OpenAPI 3.0/3.1 flavour) → fast-check converter: values that follow the schema,
 * to be mutated into hostile ones by ./hostile-values. Handles $ref to components, type (also as a list),
 * nullable, const, enum, oneOf/anyOf (with a discriminator), allOf (object merge), object properties,
 * required and additionalProperties, string length/format/pattern, numbers with inclusive/exclusive
 * bounds, arrays with minItems/maxItems, and `example` (offered as one of the values).
 */

export interface JsonSchema {
  $ref?: string;
  type?: string | string[];
  nullable?: boolean;
  const?: unknown;
  enum?: unknown[];
  oneOf?: JsonSchema[];
  anyOf?: JsonSchema[];
  allOf?: JsonSchema[];
  discriminator?: { propertyName: string; mapping?: Record<string, string> };
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  items?: JsonSchema;
  minItems?: number;
  maxItems?: number;
  minLength?: number;
  maxLength?: number;
  pattern?: string;
  format?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number | boolean;
  exclusiveMaximum?: number | boolean;
  example?: unknown;
  default?: unknown;
}

export interface SchemaContext {
  /** `components.schemas` of the document, for `$ref: '#/components/schemas/Name'`. */
  components: Record<string, JsonSchema>;
  /** Overrides by property name (e.g. `email` → a sentinel address). Return undefined to use the schema. */
  hint?: (name: string, schema: JsonSchema, derived: () => fc.Arbitrary<unknown>) => fc.Arbitrary<unknown> | undefined;
  /** The same overrides for `exampleOf` (a value, not an arbitrary). Return undefined to use the schema. */
  exampleHint?: (name: string, schema: JsonSchema) => unknown;
  /** Nesting bound for recursive schemas. */
  maxDepth?: number;
}

/**
 * JSON text emitted verbatim by `toJsonText`: what JSON can carry and a JS value cannot (`-0`,
 * `9007199254740993`, `1e400`), or pre-built text such as 6,000 levels of nesting.
 */
export class RawJson {
  constructor(
    readonly text: string,
    readonly label = text.length > 40 ? `${text.slice(0, 24)}…(${text.length} chars)` : text,
  ) {}
}

/** Defines an own, enumerable property, so that `__proto__` is a key and not the prototype. */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/** JSON.stringify that keeps RawJson verbatim (strings are escaped by JSON.stringify: lone surrogates as \uD800). */
export function toJsonText(value: unknown): string {
  if (value instanceof RawJson) return value.text;
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map((v) => (v === undefined ? 'null' : toJsonText(v))).join(',')}]`;
  const parts: string[] = [];
  for (const key of Object.keys(value)) {
    const v = (value as Record<string, unknown>)[key];
    if (v !== undefined) parts.push(`${JSON.stringify(key)}:${toJsonText(v)}`);
  }
  return `{${parts.join(',')}}`;
}

/** A deep copy of plain data (RawJson kept by reference; own `__proto__` keys kept as keys). */
export function cloneJson<T>(value: T): T {
  if (value === null || typeof value !== 'object' || value instanceof RawJson) return value;
  if (Array.isArray(value)) return value.map(cloneJson) as T;
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(value)) setOwn(out, key, cloneJson((value as Record<string, unknown>)[key]));
  return out as T;
}

export function resolveRef(schema: JsonSchema, ctx: SchemaContext): JsonSchema {
  let s = schema;
  for (let hops = 0; s.$ref; hops++) {
    const m = /^#\/components\/schemas\/(.+)$/.exec(s.$ref);
    const target = m ? ctx.components[decodeURIComponent(m[1]!)] : undefined;
    if (!target || hops > 20) throw new Error(`unresolvable $ref ${s.$ref}`);
    s = target;
  }
  return s;
}

/** allOf → one schema (properties and required merged). */
function mergeAllOf(schema: JsonSchema, ctx: SchemaContext): JsonSchema {
  const { allOf, ...rest } = schema;
  let merged: JsonSchema = { ...rest };
  for (const part of allOf ?? []) {
    const p = resolveRef(part, ctx);
    const q = p.allOf ? mergeAllOf(p, ctx) : p;
    merged = {
      ...q,
      ...merged,
      properties: { ...(q.properties ?? {}), ...(merged.properties ?? {}) },
      required: [...new Set([...(q.required ?? []), ...(merged.required ?? [])])],
    };
  }
  return merged;
}

const SAFE_UNIT = fc.constantFrom(...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .-_'.split(''));

function plainString(min: number, max: number): fc.Arbitrary<string> {
  return fc.string({ unit: SAFE_UNIT, minLength: min, maxLength: Math.max(min, max) });
}

const DATE_MIN = new Date('1970-01-01T00:00:00.000Z');
const DATE_MAX = new Date('2100-12-31T23:59:59.999Z');
export const dateTimeArbitrary: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.date({ min: DATE_MIN, max: DATE_MAX, noInvalidDate: true }).map((d) => d.toISOString()) },
  {
    weight: 1,
    arbitrary: fc
      .tuple(fc.date({ min: DATE_MIN, max: DATE_MAX, noInvalidDate: true }), fc.integer({ min: -14, max: 14 }))
      .map(([d, h]) => `${d.toISOString().slice(0, 19)}${h < 0 ? '-' : '+'}${String(Math.abs(h)).padStart(2, '0')}:00`),
  },
);

/** A regex-driven string, when fast-check can produce strings that really match it; else undefined. */
function patternString(pattern: string, min: number, max: number): fc.Arbitrary<string> | undefined {
  try {
    const re = new RegExp(pattern);
    const fits = (s: string) => re.test(s) && s.length >= min && s.length <= max;
    const arb = fc.stringMatching(re);
    const sample = fc.sample(arb, { numRuns: 20, seed: 42 });
    if (sample.filter(fits).length < 10) return undefined;
    return arb.filter(fits);
  } catch {
    return undefined;
  }
}

function stringArbitrary(s: JsonSchema): fc.Arbitrary<string> {
  const min = s.minLength ?? 0;
  const max = Math.min(s.maxLength ?? 40, Math.max(min, 40));
  switch (s.format) {
    case 'uuid':
      return fc.uuid();
    case 'date-time':
      return dateTimeArbitrary;
    case 'date':
      return fc.date({ min: DATE_MIN, max: DATE_MAX, noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
    case 'email':
      return fc.emailAddress();
    case 'uri':
    case 'url':
      return fc.webUrl();
    case 'ipv4':
      return fc.ipV4();
    case 'ipv6':
      return fc.ipV6();
  }
  return (s.pattern && patternString(s.pattern, min, s.maxLength ?? Infinity)) || plainString(min, max);
}

function numberArbitrary(s: JsonSchema, integer: boolean): fc.Arbitrary<number> {
  const exMin = typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum : s.exclusiveMinimum === true ? s.minimum : undefined;
  const exMax = typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum : s.exclusiveMaximum === true ? s.maximum : undefined;
  const min = exMin ?? s.minimum ?? -1e6;
  const max = exMax ?? s.maximum ?? 1e6;
  if (integer) {
    const lo = Math.max(Number.MIN_SAFE_INTEGER, Math.ceil(exMin !== undefined ? exMin + (Number.isInteger(exMin) ? 1 : 0) : min));
    const hi = Math.min(Number.MAX_SAFE_INTEGER, Math.floor(exMax !== undefined ? exMax - (Number.isInteger(exMax) ? 1 : 0) : max));
    return fc.oneof({ weight: 4, arbitrary: fc.integer({ min: lo, max: Math.max(lo, hi) }) }, { weight: 1, arbitrary: fc.constantFrom(lo, Math.max(lo, hi)) });
  }
  const double = fc.double({
    min,
    max: Math.max(min, max),
    noNaN: true,
    noDefaultInfinity: true,
    minExcluded: exMin !== undefined,
    maxExcluded: exMax !== undefined,
  });
  const bounds = [exMin === undefined ? min : undefined, exMax === undefined ? max : undefined].filter((v): v is number => v !== undefined);
  return bounds.length ? fc.oneof({ weight: 4, arbitrary: double }, { weight: 1, arbitrary: fc.constantFrom(...bounds) }) : double;
}

/** Values following `schema` (as far as JSON Schema says; refinements the schema cannot express may still fail). */
export function schemaArbitrary(schema: JsonSchema, ctx: SchemaContext, depth = 0): fc.Arbitrary<unknown> {
  const s0 = resolveRef(schema, ctx);
  const s = s0.allOf ? mergeAllOf(s0, ctx) : s0;
  const maxDepth = ctx.maxDepth ?? 8;
  if (s.const !== undefined) return fc.constant(s.const);
  if (s.enum) return fc.constantFrom(...s.enum);

  const branches = s.oneOf ?? s.anyOf;
  if (branches) {
    const d = s.discriminator;
    if (d?.mapping) {
      return fc.oneof(
        ...Object.entries(d.mapping).map(([tag, ref]) =>
          schemaArbitrary({ $ref: ref }, ctx, depth + 1).map((v) => {
            if (v && typeof v === 'object' && !Array.isArray(v)) setOwn(v as Record<string, unknown>, d.propertyName, tag);
            return v;
          }),
        ),
      );
    }
    return fc.oneof(...branches.map((b) => schemaArbitrary(b, ctx, depth + 1)));
  }

  const types = new Set(Array.isArray(s.type) ? s.type : s.type ? [s.type] : s.properties ? ['object'] : s.items ? ['array'] : []);
  if (s.nullable) types.add('null');
  if (types.size === 0) return fc.jsonValue({ maxDepth: 2 });
  const arbs = [...types].map((t) => typedArbitrary(t, s, ctx, depth, maxDepth));
  const derived = arbs.length === 1 ? arbs[0]! : fc.oneof(...arbs);
  return s.example !== undefined && !types.has('object') && !types.has('array')
    ? fc.oneof({ weight: 3, arbitrary: derived }, { weight: 1, arbitrary: fc.constant(s.example) })
    : derived;
}

function typedArbitrary(type: string, s: JsonSchema, ctx: SchemaContext, depth: number, maxDepth: number): fc.Arbitrary<unknown> {
  switch (type) {
    case 'string':
      return stringArbitrary(s);
    case 'integer':
      return numberArbitrary(s, true);
    case 'number':
      return numberArbitrary(s, false);
    case 'boolean':
      return fc.boolean();
    case 'null':
      return fc.constant(null);
    case 'array': {
      if (depth >= maxDepth) return fc.constant([]);
      const items = s.items ? schemaArbitrary(s.items, ctx, depth + 1) : fc.jsonValue({ maxDepth: 1 });
      const min = s.minItems ?? 0;
      return fc.array(items, { minLength: min, maxLength: Math.max(min, Math.min(s.maxItems ?? 3, 5)) });
    }
    case 'object': {
      if (depth >= maxDepth) return fc.constant({});
      const model: Record<string, fc.Arbitrary<unknown>> = {};
      for (const [name, prop] of Object.entries(s.properties ?? {})) {
        const derived = () => schemaArbitrary(prop, ctx, depth + 1);
        model[name] = ctx.hint?.(name, resolveRef(prop, ctx), derived) ?? derived();
      }
      const requiredKeys = (s.required ?? []).filter((k) => k in model);
      const record = fc.record(model, { requiredKeys });
      const extra = s.additionalProperties;
      if (extra === undefined || extra === false) return record;
      const value = extra === true ? fc.jsonValue({ maxDepth: 1 }) : schemaArbitrary(extra, ctx, depth + 1);
      return fc.tuple(record, fc.dictionary(plainString(1, 12), value, { maxKeys: 2 })).map(([r, more]) => {
        const out = { ...r } as Record<string, unknown>;
        for (const [k, v] of Object.entries(more)) if (!(k in out)) setOwn(out, k, v);
        return out;
      });
    }
    default:
      return fc.jsonValue({ maxDepth: 1 });
  }
}

/**
 * One deterministic value for `schema`, built from the document's own examples: the schema's `example`,
 * else its const, first enum value or default, else (objects) its required properties' examples, else
 * a minimal value of its type and format. Meant as "the documented request", the baseline that the
 * coverage examples change one thing at a time.
 */
export function exampleOf(schema: JsonSchema, ctx: SchemaContext, depth = 0): unknown {
  const s0 = resolveRef(schema, ctx);
  const s = s0.allOf ? mergeAllOf(s0, ctx) : s0;
  const isObject = s.type === 'object' || (!!s.properties && !s.type);
  if (s.example !== undefined && !isObject) return s.example;
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  if (s.default !== undefined) return s.default;
  const branches = s.oneOf ?? s.anyOf;
  if (branches) {
    const d = s.discriminator;
    const first = d?.mapping ? Object.entries(d.mapping)[0] : undefined;
    const value = exampleOf(first ? { $ref: first[1] } : branches[0]!, ctx, depth + 1);
    if (first && value && typeof value === 'object') setOwn(value as Record<string, unknown>, d!.propertyName, first[0]);
    return value;
  }
  const type = Array.isArray(s.type) ? (s.type.find((t) => t !== 'null') ?? 'null') : (s.type ?? (s.items ? 'array' : isObject ? 'object' : 'string'));
  switch (type) {
    case 'object': {
      const out: Record<string, unknown> = {};
      if (depth > (ctx.maxDepth ?? 8)) return out;
      for (const name of s.required ?? []) {
        const prop = s.properties?.[name];
        if (!prop) continue;
        const hinted = ctx.exampleHint?.(name, resolveRef(prop, ctx));
        setOwn(out, name, hinted !== undefined ? hinted : exampleOf(prop, ctx, depth + 1));
      }
      return out;
    }
    case 'array':
      return Array.from({ length: s.minItems ?? 0 }, () => exampleOf(s.items ?? {}, ctx, depth + 1));
    case 'integer':
    case 'number': {
      const min = typeof s.exclusiveMinimum === 'number' ? s.exclusiveMinimum + 1 : s.minimum;
      const max = typeof s.exclusiveMaximum === 'number' ? s.exclusiveMaximum - 1 : s.maximum;
      return min ?? (max !== undefined ? Math.min(0, max) : 0);
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    default: {
      switch (s.format) {
        case 'uuid':
          return '00000000-0000-4000-8000-000000000000';
        case 'date-time':
          return '2001-01-01T10:00:00Z';
        case 'date':
          return '2001-01-01';
        case 'email':
          return 'jane.doe@example.com';
        case 'uri':
        case 'url':
          return 'https://www.example.com/';
      }
      const fromPattern = s.pattern && patternString(s.pattern, s.minLength ?? 0, s.maxLength ?? Infinity);
      if (fromPattern) return fc.sample(fromPattern, { numRuns: 1, seed: 1 })[0];
      return 'a'.repeat(Math.max(1, s.minLength ?? 1));
    }
  }
}
