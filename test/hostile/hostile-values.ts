import fc from 'fast-check';
import { cloneJson, RawJson, setOwn, toJsonText } from './json-schema-arbitrary';

/**
 * Catalogues of hostile input and the mutation engine that turns schema-following values into hostile
 * ones. Every value carries a short label (the "input class") so that a failure says what was sent
 * without printing 70,000 characters.
 */

export interface Labeled<T> {
  label: string;
  value: T;
}
const L = <T>(label: string, value: T): Labeled<T> => ({ label, value });

/** Names on Object.prototype (and friends): never an identifier, a configured item or a map key. */
export const PROTOTYPE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'isPrototypeOf'];

export const deepArrays = (levels: number) => '['.repeat(levels) + ']'.repeat(levels);
export const deepObjects = (levels: number) => `${'{"":'.repeat(levels)}0${'}'.repeat(levels)}`;
export const deepMixed = (levels: number) => `${'[{"a":'.repeat(levels)}0${'}]'.repeat(levels)}`;

export const HOSTILE_STRINGS: Array<Labeled<string>> = [
  L('NUL', '\u0000'),
  L('NUL-inside', 'a\u0000b@acme.com'),
  L('lone-surrogate-high', '\uD800'),
  L('lone-surrogate-low-inside', 'x\uDC00y'),
  L('bidi-override', '\u202Egnp.exe'),
  L('zero-width', 'ab\u200Bcd\u200D\uFEFF'),
  L('CRLF', 'line1\r\nline2'),
  L('header-injection', 'x\r\nBcc: victim@example.com'),
  L('unicode-line-separators', 'a\u2028b\u2029c\u0085d'),
  L('control-chars', '\u0007\u001b[31m\u007f'),
  L('html-script', '<script>alert(1)</script>'),
  L('html-attr', '"><img src=x onerror=alert(1)>'),
  L('sql-quote', "' OR '1'='1"),
  L('sql-drop', "'; DROP TABLE leads; --"),
  // biome-ignore lint/suspicious/noTemplateCurlyInString: a template-injection probe, meant literally.
  L('template', '${7*7}{{7*7}}<%= 7*7 %>'),
  L('path-traversal', '../../../etc/passwd'),
  L('percent-escapes', '%00%ED%A0%80%2e%2e%2f'),
  L('__proto__', '__proto__'),
  L('constructor', 'constructor'),
  L('prototype', 'prototype'),
  L('toString', 'toString'),
  L('empty', ''),
  L('whitespace', ' \t '),
  L('literal-null', 'null'),
  L('numeric-string', '1e308'),
  L('astral', '𝕳𝖔𝖘𝖙𝖎𝖑𝖊 👩‍👩‍👧‍👦'),
  L('zalgo', 'Z̷̢̛̖a̸̡͓l̶̰̈g̵̱̈́o̴̲͝'),
  L('rtl-arabic', 'اختبار עברית'),
  L('long-5001', 'm'.repeat(5001)),
  L('long-10k-ascii', 'x'.repeat(10_000)),
  L('long-unicode-4k', '𝕳é中'.repeat(1_000)),
  L('long-unicode-over-limit', '𝕳'.repeat(6_000)),
  L('huge-70k', 'A'.repeat(70_000)),
];

export const HOSTILE_NUMBERS: Array<Labeled<unknown>> = [
  L('1e308', new RawJson('1e308')),
  L('-1e308', new RawJson('-1e308')),
  L('2e308(=Infinity)', new RawJson('2e308')),
  L('-0', new RawJson('-0')),
  L('2**53+1', new RawJson('9007199254740993')),
  L('-(2**53+1)', new RawJson('-9007199254740993')),
  L('1e-400', new RawJson('1e-400')),
  L('5e-324', 5e-324),
  L('0.1+0.2', 0.1 + 0.2),
  L('-1', -1),
  L('0', 0),
  L('1.5', 1.5),
  L('2**31', 2 ** 31),
  L('2**64', new RawJson('18446744073709551616')),
  L('long-digits', new RawJson('1'.repeat(400))),
];

export const HOSTILE_STRUCTURES: Array<Labeled<unknown>> = [
  L('null', null),
  L('true', true),
  L('false', false),
  L('[]', []),
  L('{}', {}),
  L('[[[]]]', [[[]]]),
  L(
    'array-of-1000',
    Array.from({ length: 1000 }, () => 0),
  ),
  L(
    '{__proto__:{polluted}}',
    (() => {
      const o = {};
      setOwn(o, '__proto__', { polluted: true });
      return o;
    })(),
  ),
  L('{constructor:{prototype}}', { constructor: { prototype: { polluted: true } } }),
  L('nested-6000-arrays', new RawJson(deepArrays(6_000))),
  L('nested-3000-objects', new RawJson(deepObjects(3_000))),
  L('nested-50-objects', new RawJson(deepObjects(50))),
];

export const hostileString: fc.Arbitrary<Labeled<string>> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...HOSTILE_STRINGS) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }).map((v) => L('random-code-units', v)) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 30 }).map((v) => L('random-graphemes', v)) },
);

export const hostileValue: fc.Arbitrary<Labeled<unknown>> = fc.oneof(
  { weight: 5, arbitrary: hostileString },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_NUMBERS) },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_STRUCTURES) },
);

export const hostileKey: fc.Arbitrary<Labeled<string>> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES.slice(0, 5).map((k) => L(k, k))) },
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      L('unknown-field', 'hostile_unknown_field'),
      L('empty-key', ''),
      L('NUL-key', '\u0000'),
      L('surrogate-key', '\uD800'),
      L('dotted-key', 'utm.source'),
      L('mongo-operator', '$where'),
      L('long-key', 'k'.repeat(1_000)),
    ),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }).map((v) => L('random-key', v)) },
);

type Path = Array<string | number>;

function walk(value: unknown, path: Path, leaves: Path[], objects: Path[]): void {
  if (value === null || typeof value !== 'object' || value instanceof RawJson) return;
  if (!Array.isArray(value)) objects.push(path);
  const entries: Array<[string | number, unknown]> = Array.isArray(value)
    ? value.map((v, i) => [i, v])
    : Object.keys(value).map((k) => [k, (value as Record<string, unknown>)[k]]);
  for (const [k, v] of entries) {
    leaves.push([...path, k]);
    walk(v, [...path, k], leaves, objects);
  }
}

function at(root: unknown, path: Path): any {
  return path.reduce<any>((v, k) => v?.[k], root);
}

const show = (path: Path) => (path.length ? path.join('.') : '(root)');

export type Mutation =
  | { kind: 'drop'; at: number }
  | { kind: 'replace'; at: number; value: Labeled<unknown> }
  | { kind: 'add'; at: number; key: Labeled<string>; value: Labeled<unknown> }
  | { kind: 'root'; value: Labeled<unknown> };

export const mutationArbitrary: fc.Arbitrary<Mutation> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }) },
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('replace' as const), at: fc.nat(), value: hostileValue }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('add' as const), at: fc.nat(), key: hostileKey, value: hostileValue }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('root' as const), value: hostileValue }) },
);

/** Applies mutations to a copy of `valid`; the label lists what was done ("valid" when nothing). */
export function applyMutations(valid: unknown, mutations: Mutation[]): Labeled<unknown> {
  let value = cloneJson(valid);
  const labels: string[] = [];
  for (const m of mutations) {
    const leaves: Path[] = [];
    const objects: Path[] = [];
    walk(value, [], leaves, objects);
    if (m.kind === 'root' || (m.kind !== 'add' && leaves.length === 0) || (m.kind === 'add' && objects.length === 0)) {
      if (m.kind === 'drop') continue;
      value = cloneJson(m.value.value);
      labels.push(`replaced by ${m.value.label}`);
      continue;
    }
    if (m.kind === 'add') {
      const target = objects[m.at % objects.length]!;
      setOwn(at(value, target), m.key.value, cloneJson(m.value.value));
      labels.push(`+${show([...target, m.key.label])}=${m.value.label}`);
      continue;
    }
    const path = leaves[m.at % leaves.length]!;
    const parent = at(value, path.slice(0, -1));
    const key = path[path.length - 1]!;
    if (m.kind === 'drop') {
      if (Array.isArray(parent)) parent.splice(key as number, 1);
      else delete parent[key];
      labels.push(`-${show(path)}`);
    } else {
      if (Array.isArray(parent)) parent[key as number] = cloneJson(m.value.value);
      else setOwn(parent, key as string, cloneJson(m.value.value));
      labels.push(`${show(path)}=${m.value.label}`);
    }
  }
  return L(labels.length ? labels.join(', ') : 'valid', value);
}

/**
 * Schema-following values, mutated: a quarter stay as generated (so that requests get past validation
 * to Turnstile, limits and storage), the rest get one to three mutations. `forceInvalid` always adds an
 * unknown field, for endpoints where a valid request would change shared state.
 */
export function mutatedBody(valid: fc.Arbitrary<unknown>, opts: { forceInvalid?: boolean } = {}): fc.Arbitrary<Labeled<unknown>> {
  const mutations = fc.oneof(
    { withCrossShrink: true },
    { weight: 1, arbitrary: fc.constant<Mutation[]>([]) },
    { weight: 3, arbitrary: fc.array(mutationArbitrary, { minLength: 1, maxLength: 3 }) },
  );
  return fc.tuple(valid, mutations).map(([v, ms]) => {
    const out = applyMutations(v, ms);
    if (opts.forceInvalid) {
      const o = out.value && typeof out.value === 'object' && !Array.isArray(out.value) && !(out.value instanceof RawJson) ? out.value : {};
      setOwn(o as Record<string, unknown>, 'hostile_unknown_field', true);
      return L(`${out.label}, +hostile_unknown_field (forced invalid)`, o);
    }
    return out;
  });
}

/** A body as bytes on the wire, with the headers that describe it. `contentType: null` sends none. */
export interface RawBody {
  body: string | Uint8Array | undefined;
  contentType?: string | null;
  headers?: Record<string, string>;
}

const utf16le = (s: string) => {
  const out = new Uint8Array(2 + s.length * 2);
  out.set([0xff, 0xfe]);
  for (let i = 0; i < s.length; i++) {
    out[2 + i * 2] = s.charCodeAt(i) & 255;
    out[3 + i * 2] = s.charCodeAt(i) >> 8;
  }
  return out;
};

export const MALFORMED_JSON: Array<Labeled<string>> = [
  L('truncated-object', '{"email": "a@acme.com", "source": '),
  L('lone-brace', '{'),
  L('single-quotes', "{'email': 'a@acme.com'}"),
  L('trailing-comma', '{"a": 1,}'),
  L('NaN-literal', '{"a": NaN}'),
  L('Infinity-literal', '{"a": Infinity}'),
  L('leading-zero', '{"a": 01}'),
  L('bad-escape', '{"a": "\\x41"}'),
  L('comment', '// hi\n{}'),
  L('two-documents', '{} {}'),
  L('trailing-garbage', '{"a": 1} garbage'),
  L('undefined', 'undefined'),
  L('raw-NUL', '\u0000'),
  L('unterminated-string', '{"a": "abc'),
  L('unbalanced-6000', '['.repeat(6_000)),
];

export const ODD_JSON: Array<Labeled<string>> = [
  L('json-null', 'null'),
  L('json-true', 'true'),
  L('json-number', '0'),
  L('json-string', '"a string"'),
  L('json-array', '[]'),
  L('json-empty-object', '{}'),
  L('json-with-BOM', '\uFEFF{}'),
  L('escaped-lone-surrogate', '{"a": "\\uD800"}'),
  L('escaped-NUL', '{"a": "\\u0000"}'),
  L('__proto__-pollution', '{"__proto__": {"polluted": true}, "constructor": {"prototype": {"polluted": true}}}'),
  L('duplicate-keys', '{"a": 1, "a": {"b": 2}}'),
  L('whitespace-only', ' \n\t '),
  L('nested-6000-arrays', deepArrays(6_000)),
  L('nested-3000-objects', deepObjects(3_000)),
  L('nested-1500-mixed', deepMixed(1_500)),
  L('nested-100k-arrays(200 KB)', deepArrays(100_000)),
  L('array-of-2000-objects', `[${Array.from({ length: 2_000 }, () => '{}').join(',')}]`),
  L('over-limit-string(70 KB)', JSON.stringify({ a: 'A'.repeat(70_000) })),
];

export const RAW_BYTES: Array<Labeled<Uint8Array>> = [
  L('invalid-utf8-surrogate-bytes', new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xed, 0xa0, 0x80, 0x22, 0x7d])),
  L('invalid-utf8-ff', new Uint8Array([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0xfe, 0x22, 0x7d])),
  L('utf16le-json', utf16le('{"a": 1}')),
  L('NUL-bytes', new Uint8Array(64)),
];

export const CONTENT_TYPES: Array<Labeled<string | null>> = [
  L('no-content-type', null),
  L('text/plain', 'text/plain'),
  L('form-urlencoded', 'application/x-www-form-urlencoded'),
  L('multipart', 'multipart/form-data; boundary=xyz'),
  L('json-utf16', 'application/json; charset=utf-16'),
  L('vnd+json', 'application/vnd.api+json'),
  L('UPPERCASE', 'APPLICATION/JSON'),
  L('jsonx', 'application/jsonx'),
  L('*/*', '*/*'),
  L('json;;;', 'application/json;;;'),
  L('long-content-type', `application/json; x=${'y'.repeat(2_000)}`),
];

/**
 * Hostile bodies as bytes: malformed JSON, odd JSON, deep nesting, invalid UTF-8, the empty body, a
 * schema-derived body re-serialised with text-level damage, all with application/json unless the
 * content type is itself the hostile part; sometimes `content-encoding: gzip` on a plain body.
 */
export function rawBodyArbitrary(valid?: fc.Arbitrary<Labeled<unknown>>): fc.Arbitrary<Labeled<RawBody>> {
  const text: Array<fc.WeightedArbitrary<Labeled<string | Uint8Array | undefined>>> = [
    { weight: 3, arbitrary: fc.constantFrom(...MALFORMED_JSON) },
    { weight: 4, arbitrary: fc.constantFrom(...ODD_JSON) },
    { weight: 1, arbitrary: fc.constantFrom(...RAW_BYTES) },
    { weight: 1, arbitrary: fc.constant(L('empty-body', '')) },
    { weight: 1, arbitrary: fc.constant(L('no-body', undefined)) },
  ];
  if (valid) {
    text.push({
      weight: 4,
      arbitrary: fc.tuple(valid, fc.constantFrom('as-is', 'deep-field', 'duplicate-key', 'truncated', 'form-encoded')).map(([v, how]) => {
        const json = toJsonText(v.value);
        const isObject = json.startsWith('{') && json.length > 2;
        switch (how) {
          case 'deep-field':
            return L(`${v.label} +deep(6000 arrays) field`, isObject ? `${json.slice(0, -1)},"deep":${deepArrays(6_000)}}` : deepArrays(6_000));
          case 'duplicate-key':
            return L(`${v.label} +duplicate __proto__ keys`, isObject ? `${json.slice(0, -1)},"__proto__":{"x":1},"__proto__":[]}` : json);
          case 'truncated':
            return L(`${v.label} truncated`, json.slice(0, Math.max(1, json.length - 3)));
          case 'form-encoded':
            return L(`${v.label} as form fields`, new URLSearchParams(Object.entries((v.value ?? {}) as object).map(([k, x]) => [k, String(x)])).toString());
          default:
            return L(v.label, json);
        }
      }),
    });
  }
  const contentType = fc.oneof(
    { withCrossShrink: true },
    { weight: 4, arbitrary: fc.constant(L<string | null>('', 'application/json')) },
    { weight: 1, arbitrary: fc.constantFrom(...CONTENT_TYPES) },
  );
  const encoding = fc.oneof(
    { withCrossShrink: true },
    { weight: 8, arbitrary: fc.constant<Labeled<string | undefined>>(L('', undefined)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(L('gzip(plain body)', 'gzip'), L('br(plain body)', 'br'), L('deflate(plain body)', 'deflate'), L('gzip,gzip', 'gzip, gzip')),
    },
  );
  return fc.tuple(fc.oneof(...text), contentType, encoding).map(([b, ct, enc]) => {
    const label = [`raw:${b.label}`, ct.label && `content-type:${ct.label}`, enc.label && `content-encoding:${enc.label}`].filter(Boolean).join(' ');
    return L(label, { body: b.value, contentType: ct.value, headers: enc.value ? { 'content-encoding': enc.value } : undefined });
  });
}

/** Path segments, already percent-encoded as they go on the wire. */
export const HOSTILE_PATH_SEGMENTS: Array<Labeled<string>> = [
  ...PROTOTYPE_NAMES.slice(0, 5).map((n) => L(n, n)),
  L('%00', '%00'),
  L('a%00b', 'a%00b'),
  L('lone-surrogate %ED%A0%80', '%ED%A0%80'),
  L('overlong-utf8 %C0%AE', '%C0%AE%C0%AE'),
  L('bidi %E2%80%AE', '%E2%80%AEabc'),
  L('..%2F traversal', '..%2F..%2Fetc%2Fpasswd'),
  L('double-encoded traversal', '%252e%252e%252f'),
  L('long-3000', 'a'.repeat(3_000)),
  L('space', '%20'),
  L('null', 'null'),
  L('undefined', 'undefined'),
  L('nil-uuid', '00000000-0000-0000-0000-000000000000'),
  L('max-uuid', 'FFFFFFFF-FFFF-FFFF-FFFF-FFFFFFFFFFFF'),
  L('semicolon', 'a;b=c'),
  L('encoded-query', 'a%3Fb%3Dc%23d'),
  L('html', '%3Cscript%3E'),
];

/** Query values, already percent-encoded. */
export const HOSTILE_QUERY_VALUES: Array<Labeled<string>> = [
  L('%00', '%00'),
  L('a%00b%40acme.com', 'a%00b%40acme.com'),
  L('lone-surrogate %ED%A0%80', '%ED%A0%80'),
  L('bidi %E2%80%AE', '%E2%80%AEx'),
  L('zero-width %E2%80%8B', 'a%E2%80%8Bb'),
  L('CRLF %0D%0A', 'x%0D%0ASet-Cookie%3A%20a%3D1'),
  L('bad-percent %', '%'),
  L('bad-percent %zz', '%zz'),
  L('overlong-utf8', '%C0%AE'),
  L('empty', ''),
  L('plus', '+'),
  L('long-10000', 'q'.repeat(10_000)),
  L('long-unicode', '%F0%9D%95%B3'.repeat(500)),
  L('__proto__', '__proto__'),
  L('constructor', 'constructor'),
  L('html', '%3Cscript%3Ealert(1)%3C%2Fscript%3E'),
  L('sql', "'%20OR%20'1'%3D'1"),
  L('1e308', '1e308'),
  L('-1', '-1'),
  L('0', '0'),
  L('2**53+1', '9007199254740993'),
  L('1.5', '1.5'),
  L('NaN', 'NaN'),
  L('0x10', '0x10'),
  L('array-syntax', 'a&x[]=b'),
];

export const HOSTILE_EXTRA_QUERY: Array<Labeled<string>> = [
  L('?__proto__=1', '__proto__=1'),
  L('?constructor=x', 'constructor=x'),
  L('?__proto__[polluted]=1', '__proto__%5Bpolluted%5D=1'),
  L('?unknown=%00', 'hostile_unknown=%00'),
  L('?&&&', '&&&'),
];

/** `cf-connecting-ip` values. None maps to 127.0.0.1 (other test files use that budget). */
export const HOSTILE_IPS: Array<Labeled<string>> = [
  L('ipv6-too-many-groups 1:2:3:4:5:6:7:8::9', '1:2:3:4:5:6:7:8::9'),
  L('ipv4-octet-999', '999.1.1.1'),
  L('empty', ''),
  L('long-4000', '9'.repeat(4_000)),
  L('only-colons', '::::::::::'),
  L('ipv6-:: ', '::'),
  L('ipv4-three-parts', '1.2.3'),
  L('ipv4-mapped-bad', '::ffff:999.1.1.1'),
  L('zone-id', 'fe80::1%eth0'),
  L('ipv6-bad-hex', 'gggg::1'),
  L('ipv6-nine-groups', '1:2:3:4:5:6:7:8:9'),
  L('two-addresses', '203.0.113.7, 198.51.100.1'),
  L('word', 'unknown'),
  L('html', '<script>'),
  L('bracketed', '[2001:db8::1]'),
];

export const HOSTILE_HOSTS: Array<Labeled<string>> = [
  L('host:evil', 'evil.example'),
  L('host:empty', ''),
  L('host:bad-port', 'api.example.com:99999'),
  L('host:long', `${'a'.repeat(1_000)}.example.com`),
  L('host:ipv6', '[::1]'),
  L('host:trailing-dot', 'API.EXAMPLE.COM.'),
];

/** Origins the worker is reached at (workerd keeps the Host header as sent; the URL is what Hono reads). */
export const HOSTILE_ORIGINS: Array<Labeled<string>> = [
  L('url:http', 'http://api.example.com'),
  L('url:evil-host', 'https://evil.example'),
  L('url:port', 'https://api.example.com:8443'),
  L('url:localhost', 'http://localhost:8787'),
  L('url:ipv6', 'https://[::1]'),
  L('url:punycode', 'https://xn--80ak6aa92e.com'),
];

export const BOGUS_IDEMPOTENCY_KEYS: Array<Labeled<string>> = [
  L('idem:short', 'short'),
  L('idem:long-300', 'k'.repeat(300)),
  L('idem:spaces', 'key with spaces 123'),
  L('idem:__proto__', '__proto__'),
  L('idem:constructor', 'constructor'),
  L('idem:reused', 'hostile-reused-key-0001'),
  L('idem:empty', ''),
];

export const HOSTILE_REQUEST_IDS: Array<Labeled<string>> = [
  L('x-request-id:short', 'abc'),
  L('x-request-id:long', 'r'.repeat(300)),
  L('x-request-id:html', '<script>alert(1)</script>'),
  L('x-request-id:traversal', '../../etc/passwd'),
];

/** Signature headers that sign nothing (for the webhook endpoints; harmless elsewhere). */
export const BOGUS_SIGNATURE_HEADERS: Array<Labeled<Record<string, string>>> = [
  L('hubspot-sig:bogus', { 'x-hubspot-signature-v3': 'bm90LWEtc2lnbmF0dXJl', 'x-hubspot-request-timestamp': String(Date.now()) }),
  L('hubspot-sig:garbage-timestamp', { 'x-hubspot-signature-v3': '', 'x-hubspot-request-timestamp': '1e308' }),
  L('standard-webhooks:bogus', { 'webhook-id': 'msg_hostile', 'webhook-timestamp': '0', 'webhook-signature': 'v1,AAAA' }),
  L('standard-webhooks:__proto__', { 'webhook-id': '__proto__', 'webhook-timestamp': '9999999999999', 'webhook-signature': 'v1,' }),
  L('basic:wrong', { authorization: 'Basic bGVhZGdhdGUtcGlwZWRyaXZlOndyb25n' }),
  L('jwt:alg-none', { authorization: 'eyJhbGciOiJub25lIiwidHlwIjoiSldUIn0.eyJleHAiOjk5OTk5OTk5OTl9.' }),
  L('jwt:garbage', { authorization: 'Bearer a.b.c' }),
];

/** Authorization headers that must not authenticate anyone (`key` is the real admin key, to build near misses). */
export function bogusAuthorizations(key: string): Array<Labeled<string | undefined>> {
  return [
    L('auth:none', undefined),
    L('auth:empty', ''),
    L('auth:Bearer-only', 'Bearer'),
    L('auth:Bearer-space', 'Bearer '),
    L('auth:wrong-key', 'Bearer wrong-key'),
    L('auth:key-plus-one', `Bearer ${key}x`),
    L('auth:key-minus-one', `Bearer ${key.slice(0, -1)}`),
    L('auth:no-scheme', key),
    L('auth:Basic', `Basic ${btoa(`admin:${key}`)}`),
    L('auth:Token-scheme', `Token ${key}`),
    L('auth:long-8000', `Bearer ${'x'.repeat(8_000)}`),
    L('auth:__proto__', 'Bearer __proto__'),
    L('auth:constructor', 'Bearer constructor'),
  ];
}

function pick<T>(list: Array<Labeled<T>>, labels: string[]): Array<Labeled<T>> {
  return labels.map((label) => {
    const found = list.find((x) => x.label === label);
    if (!found) throw new Error(`no hostile value labelled ${label}`);
    return found;
  });
}

/** One representative per class, tried on every parameter of every operation (the coverage examples). */
export const CORE_PATH_SEGMENTS = pick(HOSTILE_PATH_SEGMENTS, ['constructor', '__proto__', '%00', 'lone-surrogate %ED%A0%80', '..%2F traversal', 'long-3000']);
export const CORE_QUERY_VALUES = pick(HOSTILE_QUERY_VALUES, [
  '%00',
  'a%00b%40acme.com',
  'lone-surrogate %ED%A0%80',
  'long-10000',
  '__proto__',
  'bad-percent %zz',
]);
export const CORE_IPS = pick(HOSTILE_IPS, [
  'ipv6-too-many-groups 1:2:3:4:5:6:7:8::9',
  'ipv4-octet-999',
  'empty',
  'long-4000',
  'ipv4-mapped-bad',
  'zone-id',
  'ipv6-nine-groups',
]);

/** The raw bodies every operation that takes a body gets at least once, around its documented example. */
export function coreRawBodies(exampleJson: string): Array<Labeled<RawBody>> {
  const isObject = exampleJson.startsWith('{') && exampleJson.length > 2;
  const json = (label: string, body: string | Uint8Array | undefined, extra: Partial<RawBody> = {}) =>
    L(label, { body, contentType: 'application/json', ...extra });
  return [
    json('raw:nested-6000-arrays', deepArrays(6_000)),
    json('raw:nested-3000-objects', deepObjects(3_000)),
    json('raw:example +deep(6000 arrays) field', isObject ? `${exampleJson.slice(0, -1)},"deep":${deepArrays(6_000)}}` : deepArrays(6_000)),
    json('raw:example content-type:text/plain', exampleJson, { contentType: 'text/plain' }),
    json('raw:example content-type:form-urlencoded', exampleJson, { contentType: 'application/x-www-form-urlencoded' }),
    json('raw:example content-type:none', exampleJson, { contentType: null }),
    json('raw:empty-body', ''),
    json('raw:example content-encoding:gzip(plain body)', exampleJson, { headers: { 'content-encoding': 'gzip' } }),
    json('raw:truncated example', exampleJson.slice(0, Math.max(1, exampleJson.length - 3))),
    json('raw:over-limit-string(70 KB)', JSON.stringify({ a: 'A'.repeat(70_000) })),
  ];
}
