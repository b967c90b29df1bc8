import fc from 'fast-check';
import type { OpenApiDocument, OpenApiOperation } from '../support/openapi';
import {
  BOGUS_IDEMPOTENCY_KEYS,
  BOGUS_SIGNATURE_HEADERS,
  bogusAuthorizations,
  CORE_IPS,
  CORE_PATH_SEGMENTS,
  CORE_QUERY_VALUES,
  coreRawBodies,
  HOSTILE_EXTRA_QUERY,
  HOSTILE_HOSTS,
  HOSTILE_IPS,
  HOSTILE_ORIGINS,
  HOSTILE_PATH_SEGMENTS,
  HOSTILE_QUERY_VALUES,
  HOSTILE_REQUEST_IDS,
  type Labeled,
  mutatedBody,
  PROTOTYPE_NAMES,
  type RawBody,
  rawBodyArbitrary,
} from './hostile-values';
import { exampleOf, type JsonSchema, type SchemaContext, schemaArbitrary, setOwn, toJsonText } from './json-schema-arbitrary';

/**
 * Requests generated from an OpenAPI document: per operation, its path, query, headers and body, valid
 * as far as the document says or hostile. Values that must be fresh per attempt (client IP, idempotency
 * key, sentinel email) are markers, filled in when the request is sent (see `realize`), so that a
 * replayed or shrunk counterexample is not turned into a rate-limited one.
 */

export const MARKERS = {
  freshIp: '{{fresh-ip}}',
  freshIdempotencyKey: '{{fresh-idempotency-key}}',
  sentinelEmail: '{{sentinel-email}}',
} as const;

export interface ParamInfo {
  name: string;
  in: string;
  required: boolean;
  schema: JsonSchema;
  example?: unknown;
}

export interface OperationInfo {
  id: string;
  method: string;
  path: string;
  operation: OpenApiOperation;
  pathParams: ParamInfo[];
  queryParams: ParamInfo[];
  headerParams: ParamInfo[];
  bodySchema?: JsonSchema;
  /** Requires an API key (a `security` requirement every alternative of which names a scheme: the site key is optional). */
  secured: boolean;
  /** `/webhooks/…`: the body is verified as raw bytes (signature) before anything reads it. */
  webhook: boolean;
  /** The Turnstile widget action named in the description ("action `lead`"), for the siteverify mock. */
  turnstileAction?: string;
}

const METHODS = ['get', 'put', 'post', 'delete', 'patch'];

/** Every operation of the document, in document order. */
export function operationsOf(doc: OpenApiDocument): OperationInfo[] {
  const out: OperationInfo[] = [];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (!operation) continue;
      const params = (operation.parameters ?? []).map((p) => ({
        name: p.name,
        in: p.in,
        required: !!p.required,
        schema: (p.schema ?? {}) as JsonSchema,
        example: p.example ?? (p.schema as JsonSchema | undefined)?.example,
      }));
      out.push({
        id: `${method.toUpperCase()} ${path}`,
        method: method.toUpperCase(),
        path,
        operation,
        pathParams: params.filter((p) => p.in === 'path'),
        queryParams: params.filter((p) => p.in === 'query'),
        headerParams: params.filter((p) => p.in === 'header'),
        bodySchema: operation.requestBody?.content?.['application/json']?.schema as JsonSchema | undefined,
        secured: (operation.security ?? []).length > 0 && (operation.security ?? []).every((alt) => Object.keys(alt).length > 0),
        webhook: path.includes('/webhooks/'),
        turnstileAction: /action `([a-z_]+)`/.exec(operation.description ?? '')?.[1],
      });
    }
  }
  return out;
}

/** One generated request, not yet sent (markers unresolved). */
export interface RequestSpec {
  opId: string;
  kind: Kind;
  method: string;
  origin: string;
  /** Percent-encoded path, as it goes on the wire. */
  path: string;
  /** Percent-encoded `name=value` pairs. */
  query: string[];
  headers: Record<string, string>;
  body?: string | Uint8Array;
  /** The input classes this request belongs to ("path:id=constructor", "raw:nested-6000-arrays", …). */
  labels: string[];
  /** Authorization this request carries: the real admin key, a bogus one, or none asked for. */
  auth: 'admin' | 'bogus' | 'n/a';
  /** A path parameter was set to an Object.prototype name (constructor, __proto__, …). */
  prototypePathParam?: string;
}

/**
 * body: schema-derived bodies, mutated. raw: hostile bytes and content types. params: hostile path,
 * query and header values. unauthenticated: any of these, on an admin operation, without a valid key.
 */
export type Kind = 'body' | 'raw' | 'params' | 'unauthenticated';

export interface RequestContext {
  schema: SchemaContext;
  adminKey: string;
  /** Operations where a valid request would change state other tests rely on: bodies always get an unknown field. */
  forceInvalidBody: (op: OperationInfo) => boolean;
}

const clip = (s: string, n = 160) => (s.length > n ? `${s.slice(0, n)}…(${s.length} chars)` : s);

/** A readable, bounded account of a request (escapes visible: NUL, lone surrogates, CRLF). */
export function describeRequest(spec: RequestSpec): string {
  const url = `${spec.origin}${spec.path}${spec.query.length ? `?${spec.query.join('&')}` : ''}`;
  const headers = Object.entries(spec.headers).map(([k, v]) => `${k}: ${JSON.stringify(clip(v, 80))}`);
  const body =
    spec.body === undefined
      ? '(none)'
      : typeof spec.body === 'string'
        ? JSON.stringify(clip(spec.body, 300))
        : `bytes[${spec.body.length}] ${[...spec.body.slice(0, 24)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
  return [`${spec.method} ${clip(url, 300)}`, `  input: ${spec.labels.join(' | ') || 'valid'}`, `  headers: ${headers.join('; ')}`, `  body: ${body}`].join(
    '\n',
  );
}

function withPrinter(spec: RequestSpec): RequestSpec {
  Object.defineProperty(spec, fc.toStringMethod, { value: () => `\n${describeRequest(spec)}\n`, enumerable: false });
  return spec;
}

const encodeValue = (v: unknown) => encodeURIComponent(typeof v === 'string' ? v : (JSON.stringify(v) ?? String(v)));

function validParam(p: ParamInfo, ctx: RequestContext): fc.Arbitrary<string> {
  const derived = schemaArbitrary(p.schema, ctx.schema).map(encodeValue);
  return p.example === undefined ? derived : fc.oneof({ weight: 2, arbitrary: derived }, { weight: 1, arbitrary: fc.constant(encodeValue(p.example)) });
}

interface PathPart {
  path: string;
  labels: string[];
  prototypePathParam?: string;
}

function pathArbitrary(op: OperationInfo, ctx: RequestContext, hostileWeight: number): fc.Arbitrary<PathPart> {
  if (op.pathParams.length === 0) return fc.constant({ path: op.path, labels: [] });
  const parts = op.pathParams.map((p) =>
    fc.oneof(
      { withCrossShrink: true },
      { weight: 10 - hostileWeight, arbitrary: validParam(p, ctx).map((v) => ({ name: p.name, value: v, label: undefined as string | undefined })) },
      { weight: hostileWeight, arbitrary: fc.constantFrom(...HOSTILE_PATH_SEGMENTS).map((h) => ({ name: p.name, value: h.value, label: h.label })) },
    ),
  );
  return fc.tuple(...parts).map((values) => {
    let path = op.path;
    for (const v of values) path = path.replace(`{${v.name}}`, v.value);
    const proto = values.find((v) => PROTOTYPE_NAMES.includes(v.value));
    return { path, labels: values.filter((v) => v.label).map((v) => `path:${v.name}=${v.label}`), prototypePathParam: proto && `${proto.name}=${proto.value}` };
  });
}

interface QueryPart {
  query: string[];
  labels: string[];
}

function queryArbitrary(op: OperationInfo, ctx: RequestContext, hostile: boolean): fc.Arbitrary<QueryPart> {
  const params = op.queryParams.map((p) => {
    const options: Array<fc.WeightedArbitrary<{ pair?: string; label?: string }>> = [
      { weight: 3, arbitrary: validParam(p, ctx).map((v) => ({ pair: `${p.name}=${v}` })) },
    ];
    if (!p.required || hostile)
      options.push({ weight: p.required ? 1 : 3, arbitrary: fc.constant({ label: p.required ? `query:${p.name} missing` : undefined }) });
    if (hostile) {
      options.push({
        weight: 4,
        arbitrary: fc.constantFrom(...HOSTILE_QUERY_VALUES).map((h) => ({ pair: `${p.name}=${h.value}`, label: `query:${p.name}=${h.label}` })),
      });
      options.push({ weight: 1, arbitrary: validParam(p, ctx).map((v) => ({ pair: `${p.name}=${v}&${p.name}=%00`, label: `query:${p.name} repeated` })) });
    }
    return fc.oneof({ withCrossShrink: true }, ...options);
  });
  const extra = hostile ? fc.option(fc.constantFrom(...HOSTILE_EXTRA_QUERY), { freq: 4 }) : fc.constant(null);
  return fc.tuple(fc.tuple(...params), extra).map(([values, more]) => ({
    query: [...values.flatMap((v) => (v.pair === undefined ? [] : [v.pair])), ...(more ? [more.value] : [])],
    labels: [...values.flatMap((v) => (v.label ? [v.label] : [])), ...(more ? [`query:${more.label}`] : [])],
  }));
}

interface HeaderPart {
  origin: string;
  headers: Record<string, string>;
  labels: string[];
}

const DEFAULT_ORIGIN = 'https://api.example.com';

function headerArbitrary(op: OperationInfo, hostile: boolean): fc.Arbitrary<HeaderPart> {
  const none = fc.constant(null);
  const maybe = <T>(values: T[], freq: number) => (hostile ? fc.option(fc.constantFrom(...values), { freq }) : none);
  const documentsIdempotency = op.headerParams.some((h) => h.name.toLowerCase() === 'idempotency-key');
  const idempotency = hostile
    ? fc.oneof(
        { withCrossShrink: true },
        { weight: 3, arbitrary: none },
        { weight: 1, arbitrary: fc.constant({ label: 'idem:fresh', value: MARKERS.freshIdempotencyKey }) },
        { weight: 3, arbitrary: fc.constantFrom(...BOGUS_IDEMPOTENCY_KEYS) },
      )
    : documentsIdempotency
      ? fc.oneof(
          { withCrossShrink: true },
          { weight: 4, arbitrary: none },
          { weight: 1, arbitrary: fc.constant({ label: '', value: MARKERS.freshIdempotencyKey }) },
        )
      : none;
  return fc
    .record({
      ip: hostile ? fc.oneof({ withCrossShrink: true }, { weight: 3, arbitrary: none }, { weight: 2, arbitrary: fc.constantFrom(...HOSTILE_IPS) }) : none,
      host: maybe(HOSTILE_HOSTS, 4),
      origin: maybe(HOSTILE_ORIGINS, 4),
      idempotency,
      requestId: maybe(HOSTILE_REQUEST_IDS, 6),
      corsOrigin: maybe(
        [
          { label: 'origin:null', value: 'null' },
          { label: 'origin:lookalike', value: 'https://www.example.com.evil.example' },
          { label: 'origin:allowed', value: 'https://www.example.com' },
        ],
        5,
      ),
      signature: hostile || op.webhook ? fc.option(fc.constantFrom(...BOGUS_SIGNATURE_HEADERS), { freq: 3 }) : none,
    })
    .map((h) => {
      const headers: Record<string, string> = { ...(h.signature?.value ?? {}) };
      const labels: string[] = [];
      headers['cf-connecting-ip'] = h.ip ? h.ip.value : MARKERS.freshIp;
      if (h.ip) labels.push(`header:cf-connecting-ip=${h.ip.label}`);
      if (h.host) {
        headers.host = h.host.value;
        labels.push(h.host.label);
      }
      if (h.idempotency) {
        headers['idempotency-key'] = h.idempotency.value;
        if (h.idempotency.label) labels.push(h.idempotency.label);
      }
      if (h.requestId) {
        headers['x-request-id'] = h.requestId.value;
        labels.push(h.requestId.label);
      }
      if (h.corsOrigin) {
        headers.origin = h.corsOrigin.value;
        labels.push(h.corsOrigin.label);
      }
      if (h.signature) labels.push(h.signature.label);
      if (h.origin) labels.push(h.origin.label);
      return { origin: h.origin?.value ?? DEFAULT_ORIGIN, headers, labels };
    });
}

function jsonBody(v: Labeled<unknown>): Labeled<RawBody> {
  return { label: v.label === 'valid' ? 'body:valid' : `body:${v.label}`, value: { body: toJsonText(v.value), contentType: 'application/json' } };
}

function bodyArbitrary(op: OperationInfo, kind: Exclude<Kind, 'unauthenticated'>, ctx: RequestContext): fc.Arbitrary<Labeled<RawBody>> | undefined {
  if (op.method === 'GET') return undefined;
  const forceInvalid = ctx.forceInvalidBody(op);
  const valid = op.bodySchema ? schemaArbitrary(op.bodySchema, ctx.schema) : undefined;
  const mutated = valid && mutatedBody(valid, { forceInvalid });
  switch (kind) {
    case 'body':
      return mutated?.map(jsonBody);
    case 'raw':
      return rawBodyArbitrary(mutated);
    case 'params':
      if (mutated) return mutated.map(jsonBody);
      return fc.constantFrom<Labeled<RawBody>>(
        { label: '', value: { body: undefined } },
        { label: 'body:{}', value: { body: '{}', contentType: 'application/json' } },
      );
  }
}

function assemble(
  op: OperationInfo,
  kind: Kind,
  auth: Labeled<string | undefined> | 'admin' | 'n/a',
  path: PathPart,
  query: QueryPart,
  head: HeaderPart,
  body: Labeled<RawBody> | undefined,
  key: string,
): RequestSpec {
  const headers = { ...head.headers, ...(body?.value.headers ?? {}) };
  if (body?.value.contentType) headers['content-type'] = body.value.contentType;
  const labels = [...path.labels, ...query.labels, ...head.labels];
  if (body?.label) labels.push(body.label);
  if (auth === 'admin') headers.authorization = `Bearer ${key}`;
  else if (auth !== 'n/a') {
    delete headers.authorization;
    if (auth.value !== undefined) headers.authorization = auth.value;
    labels.push(auth.label);
  }
  return withPrinter({
    opId: op.id,
    kind,
    method: op.method,
    origin: head.origin,
    path: path.path,
    query: query.query,
    headers,
    body: body?.value.body,
    labels,
    auth: auth === 'admin' ? 'admin' : auth === 'n/a' ? 'n/a' : 'bogus',
    prototypePathParam: path.prototypePathParam,
  });
}

/** Which kinds apply to an operation. */
export function kindsFor(op: OperationInfo): Kind[] {
  const kinds: Kind[] = [];
  if (op.bodySchema && op.method !== 'GET') kinds.push('body');
  if (op.method !== 'GET') kinds.push('raw');
  kinds.push('params');
  if (op.secured) kinds.push('unauthenticated');
  return kinds;
}

/** Requests of one kind for one operation. Admin operations carry the real key except in `unauthenticated`. */
export function requestArbitrary(op: OperationInfo, kind: Kind, ctx: RequestContext): fc.Arbitrary<RequestSpec> {
  if (kind === 'unauthenticated') {
    const inner = kindsFor(op).filter((k): k is Exclude<Kind, 'unauthenticated'> => k !== 'unauthenticated');
    const auth = fc.constantFrom(...bogusAuthorizations(ctx.adminKey));
    return fc.oneof(
      ...inner.map((k) =>
        fc
          .tuple(auth, pathArbitrary(op, ctx, 5), queryArbitrary(op, ctx, true), headerArbitrary(op, true), bodyArbitrary(op, k, ctx) ?? fc.constant(undefined))
          .map(([a, p, q, h, b]) => assemble(op, kind, a, p, q, h, b, ctx.adminKey)),
      ),
    );
  }
  const hostileParams = kind === 'params';
  const auth = op.secured ? 'admin' : 'n/a';
  return fc
    .tuple(
      pathArbitrary(op, ctx, hostileParams ? 5 : 1),
      queryArbitrary(op, ctx, hostileParams),
      headerArbitrary(op, hostileParams),
      bodyArbitrary(op, kind, ctx) ?? fc.constant(undefined),
    )
    .map(([p, q, h, b]) => assemble(op, kind, auth, p, q, h, b, ctx.adminKey));
}

/** The documented example body (required fields, from the schema's examples), forced invalid where asked. */
export function exampleBody(op: OperationInfo, ctx: RequestContext): string | undefined {
  if (!op.bodySchema) return undefined;
  const value = exampleOf(op.bodySchema, ctx.schema);
  if (ctx.forceInvalidBody(op) && value && typeof value === 'object' && !Array.isArray(value))
    setOwn(value as Record<string, unknown>, 'hostile_unknown_field', true);
  return toJsonText(value);
}

/**
 * Coverage examples, run first by fast-check before the random ones: the documented example request,
 * then that request with one thing changed, for one representative of every hostile class on every
 * path parameter, query parameter, client-IP header and body (so that no class is left to chance).
 */
export function coverageExamples(op: OperationInfo, kind: Kind, ctx: RequestContext): RequestSpec[] {
  const example = (p: ParamInfo) => encodeValue(p.example ?? exampleOf(p.schema, ctx.schema));
  const pathValues = Object.fromEntries(op.pathParams.map((p) => [p.name, example(p)]));
  const requiredQuery = op.queryParams.filter((p) => p.required).map((p) => `${p.name}=${example(p)}`);
  const bodyText = exampleBody(op, ctx) ?? '{}';
  const baseBody: Labeled<RawBody> | undefined =
    op.method === 'GET' ? undefined : { label: op.bodySchema ? 'body:example' : '', value: { body: bodyText, contentType: 'application/json' } };
  const variant = (change: {
    path?: [string, Labeled<string>];
    query?: [string, Labeled<string>];
    ip?: Labeled<string>;
    body?: Labeled<RawBody>;
    auth?: Labeled<string | undefined>;
  }): RequestSpec => {
    const values = { ...pathValues };
    const labels: string[] = [];
    if (change.path) {
      values[change.path[0]] = change.path[1].value;
      labels.push(`path:${change.path[0]}=${change.path[1].label}`);
    }
    const path = op.path.replace(/\{([^}]+)\}/g, (_m, name: string) => values[name]!);
    const query = requiredQuery.filter((q) => !change.query || !q.startsWith(`${change.query[0]}=`));
    if (change.query) {
      query.push(`${change.query[0]}=${change.query[1].value}`);
      labels.push(`query:${change.query[0]}=${change.query[1].label}`);
    }
    const headers: Record<string, string> = { 'cf-connecting-ip': change.ip?.value ?? MARKERS.freshIp };
    if (change.ip) labels.push(`header:cf-connecting-ip=${change.ip.label}`);
    const proto = change.path && PROTOTYPE_NAMES.includes(change.path[1].value) ? `${change.path[0]}=${change.path[1].value}` : undefined;
    const auth = kind === 'unauthenticated' ? (change.auth ?? { label: 'auth:none', value: undefined }) : op.secured ? 'admin' : 'n/a';
    return assemble(
      op,
      kind,
      auth,
      { path, labels, prototypePathParam: proto },
      { query, labels: [] },
      { origin: DEFAULT_ORIGIN, headers, labels: [] },
      change.body ?? baseBody,
      ctx.adminKey,
    );
  };
  const out: RequestSpec[] = [];
  switch (kind) {
    case 'body':
      out.push(variant({}));
      for (const key of ['__proto__', 'constructor']) {
        const value = JSON.parse(bodyText) as Record<string, unknown>;
        setOwn(value, key, { polluted: true });
        out.push(variant({ body: { label: `body:example +${key}={polluted}`, value: { body: toJsonText(value), contentType: 'application/json' } } }));
      }
      break;
    case 'raw':
      for (const body of coreRawBodies(bodyText)) out.push(variant({ body }));
      break;
    case 'params':
      out.push(variant({}));
      for (const p of op.pathParams) for (const v of CORE_PATH_SEGMENTS) out.push(variant({ path: [p.name, v] }));
      for (const p of op.queryParams) for (const v of CORE_QUERY_VALUES) out.push(variant({ query: [p.name, v] }));
      if (!op.secured && op.method !== 'GET') for (const ip of CORE_IPS) out.push(variant({ ip }));
      break;
    case 'unauthenticated': {
      const auths = bogusAuthorizations(ctx.adminKey);
      out.push(variant({}), variant({ auth: auths.find((a) => a.label === 'auth:wrong-key')! }));
      if (op.pathParams[0]) out.push(variant({ path: [op.pathParams[0].name, CORE_PATH_SEGMENTS[0]!] }));
      if (op.queryParams[0]) out.push(variant({ query: [op.queryParams[0].name, CORE_QUERY_VALUES[0]!] }));
      if (op.method !== 'GET') for (const body of coreRawBodies(bodyText)) out.push(variant({ body }));
      break;
    }
  }
  return out;
}
