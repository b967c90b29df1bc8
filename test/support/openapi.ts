import { exports } from 'cloudflare:workers';

/**
 * The API's own OpenAPI document (GET /openapi.json), fetched once per test file, and lookups of what it
 * documents. A route must never answer a status its operation does not list in `responses`.
 */

export interface OpenApiResponse {
  description?: string;
  content?: Record<string, { schema?: unknown }>;
  headers?: Record<string, unknown>;
}
export interface OpenApiOperation {
  operationId?: string;
  summary?: string;
  description?: string;
  security?: Array<Record<string, string[]>>;
  parameters?: Array<{ name: string; in: 'path' | 'query' | 'header' | 'cookie'; required?: boolean; schema?: unknown; example?: unknown }>;
  requestBody?: { required?: boolean; content?: Record<string, { schema?: unknown }> };
  responses?: Record<string, OpenApiResponse>;
}
export interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, OpenApiOperation>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
}

let cached: Promise<OpenApiDocument> | undefined;

/** GET /openapi.json, cached for the file (a failed fetch is not cached). */
export function openApiDocument(): Promise<OpenApiDocument> {
  cached ??= exports.default.fetch(new Request('https://api.example.com/openapi.json')).then(async (res) => {
    if (res.status !== 200) throw new Error(`GET /openapi.json answered ${res.status}`);
    return (await res.json()) as OpenApiDocument;
  });
  cached.catch(() => (cached = undefined));
  return cached;
}

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];

/**
 * The templated path (e.g. /api/v1/leads/{id}) a concrete path (e.g. /api/v1/leads/0193…) belongs to,
 * for this method. Segments are compared as sent (percent-encoded, so `%2F` stays inside its segment);
 * `{name}` matches any non-empty segment; when several templates match, the one with more literal
 * segments wins (/webhooks/crm-update before /webhooks/{provider}). A query string is ignored.
 */
export function matchOperation(doc: OpenApiDocument, method: string, concretePath: string): { template: string; operation: OpenApiOperation } | undefined {
  const m = method.toLowerCase();
  const segments = concretePath.split('?')[0]!.split('/');
  let best: { template: string; operation: OpenApiOperation; literals: number } | undefined;
  for (const [template, item] of Object.entries(doc.paths)) {
    const operation = item[m];
    if (!operation || !HTTP_METHODS.includes(m)) continue;
    const parts = template.split('/');
    if (parts.length !== segments.length) continue;
    let literals = 0;
    let ok = true;
    for (let i = 0; i < parts.length && ok; i++) {
      const part = parts[i]!;
      if (/^\{[^}]+\}$/.test(part)) ok = segments[i]!.length > 0;
      else if (part === segments[i]) literals++;
      else ok = false;
    }
    if (ok && (!best || literals > best.literals)) best = { template, operation, literals };
  }
  return best && { template: best.template, operation: best.operation };
}

/** The documented response for this status (or `default`, or the `4XX`-style range), if any. */
export function documentedResponseIn(operation: OpenApiOperation, status: number): OpenApiResponse | undefined {
  const responses = operation.responses ?? {};
  return responses[String(status)] ?? responses[`${String(status)[0]}XX`] ?? responses[`${String(status)[0]}xx`] ?? responses.default;
}

/** The documented response of `method concretePath` for `status`, or undefined (no such operation or status). */
export async function documentedResponse(method: string, concretePath: string, status: number): Promise<OpenApiResponse | undefined> {
  const match = matchOperation(await openApiDocument(), method, concretePath);
  return match && documentedResponseIn(match.operation, status);
}

/** Whether the operation that `method concretePath` reaches documents `status` (`default` matches anything). */
export async function documentedStatus(method: string, concretePath: string, status: number): Promise<boolean> {
  return (await documentedResponse(method, concretePath, status)) !== undefined;
}
