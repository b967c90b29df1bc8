import { describe, expect, it } from 'vitest';
import { call } from '../support/api';

interface Schema {
  properties?: Record<string, Schema & { description?: string; example?: unknown; $ref?: string }>;
  items?: Schema;
  oneOf?: Schema[];
  anyOf?: Schema[];
  allOf?: Schema[];
}

let components: Record<string, Schema> = {};
const deref = (s: (Schema & { $ref?: string }) | undefined): Schema | undefined => (s?.$ref ? components[s.$ref.split('/').pop()!] : s);

/** Every property of a schema (following $refs, unions and arrays), with its path. */
function properties(
  ref: (Schema & { $ref?: string }) | undefined,
  path: string,
  out: Array<[string, Schema & { description?: string; example?: unknown; $ref?: string }]> = [],
  depth = 0,
) {
  const schema = deref(ref);
  if (!schema || depth > 6) return out;
  for (const [name, prop] of Object.entries(schema.properties ?? {})) {
    out.push([`${path}.${name}`, prop]);
    properties(prop, `${path}.${name}`, out, depth + 1);
  }
  properties(schema.items, `${path}[]`, out, depth + 1);
  for (const s of [...(schema.oneOf ?? []), ...(schema.anyOf ?? []), ...(schema.allOf ?? [])]) properties(s, path, out, depth + 1);
  return out;
}

describe('the OpenAPI document is the documentation', () => {
  it('describes every field of every request, query and response, with examples on request fields', async () => {
    const doc = (await (await call('/openapi.json')).json()) as any;
    components = doc.components.schemas;
    const missing: string[] = [];
    let checked = 0;
    for (const [path, methods] of Object.entries<any>(doc.paths)) {
      for (const [method, op] of Object.entries<any>(methods)) {
        for (const p of op.parameters ?? []) {
          if (!(p.description || p.schema?.description)) missing.push(`${method} ${path} ?${p.name}: description`);
        }
        const body = op.requestBody?.content?.['application/json']?.schema;
        const responses = Object.values<any>(op.responses ?? {})
          .map((r) => r.content?.['application/json']?.schema)
          .filter(Boolean);
        for (const [field, prop] of [body, ...responses].flatMap((s, i) => properties(s, `${method} ${path} ${i === 0 ? 'body' : 'response'}`))) {
          checked++;
          // A described $ref comes out as allOf: [{ $ref }, { description }].
          const described = [prop, deref(prop), ...(prop.allOf ?? []).flatMap((s) => [s, deref(s)])].some(
            (s) => (s as { description?: string } | undefined)?.description,
          );
          if (!described) missing.push(`${field}: description`);
          if (field.includes(' body.') && prop.example === undefined && !prop.$ref && !(prop as any).properties && !(prop as any).items)
            missing.push(`${field}: example`);
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
    expect(missing).toEqual([]);
  });
});
