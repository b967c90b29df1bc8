/**
 * Rules about text that people type and other people read: what Postgres can store, what may deceive a
 * reader, and how text is made safe for HTML and for one-line places such as email subjects. Pure.
 */

/** Direction overrides, embeddings and isolates: they make text read differently from how it is stored. */
const BIDI_CONTROLS = /[\u202A-\u202E\u2066-\u2069]/;
/**
 * Invisible characters that hide or split words (zero-width space, word joiner, BOM, Mongolian vowel
 * separator). ZWNJ and ZWJ (U+200C, U+200D) are left alone: Persian, Indic scripts and emoji need them.
 */
const INVISIBLE = /[\u200B\u2060\uFEFF\u180E]/;
const DECEPTIVE_GLOBAL = /[\u202A-\u202E\u2066-\u2069\u200B\u2060\uFEFF\u180E]/g;

/** Why Postgres cannot store `value` (jsonb and text refuse NUL; UTF-8 cannot carry a lone surrogate), or null. */
export function unstorableReason(value: string): string | null {
  if (value.includes('\u0000')) return 'contains a NUL character';
  if (!value.isWellFormed()) return 'contains an unpaired surrogate';
  return null;
}

/** True when `value` holds characters that make it read differently from what it is. */
export function isDeceptive(value: string): boolean {
  return BIDI_CONTROLS.test(value) || INVISIBLE.test(value);
}

/**
 * For places that show text on one line to a person who must not be misled (email subjects, CRM record
 * titles): deceptive characters are shown as visible escapes (`<U+202E>`), line breaks become spaces.
 */
export function displaySafe(value: string): string {
  return value.replace(DECEPTIVE_GLOBAL, (ch) => `<U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}>`).replace(/[\r\n\u2028\u2029]+/g, ' ');
}

/** Escapes text for HTML element content and attribute values. The one HTML escaper of the project. */
export function escapeHtml(value: unknown): string {
  return String(value ?? '')
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

const TOO_DEEP = Symbol('too deep');

/**
 * A copy of parsed JSON that Postgres jsonb can store: NUL and unpaired surrogates (which valid JSON may
 * carry) become U+FFFD, in keys and values, and `replaced` counts the strings changed; nesting deeper
 * than `maxDepth` is refused rather than walked (the recursion is bounded by it).
 */
export function storableJson(value: unknown, maxDepth: number): { value: unknown; replaced: number } | 'too_deep' {
  const counter = { replaced: 0 };
  const copy = storable(value, 0, maxDepth, counter);
  return copy === TOO_DEEP ? 'too_deep' : { value: copy, replaced: counter.replaced };
}

function storable(value: unknown, depth: number, maxDepth: number, counter: { replaced: number }): unknown {
  if (typeof value === 'string') return storableString(value, counter);
  if (value === null || typeof value !== 'object') return value;
  if (depth >= maxDepth) return TOO_DEEP;
  if (Array.isArray(value)) {
    const out: unknown[] = [];
    for (const v of value) {
      const s = storable(v, depth + 1, maxDepth, counter);
      if (s === TOO_DEEP) return TOO_DEEP;
      out.push(s);
    }
    return out;
  }
  const entries: Array<[string, unknown]> = [];
  for (const [k, v] of Object.entries(value)) {
    const s = storable(v, depth + 1, maxDepth, counter);
    if (s === TOO_DEEP) return TOO_DEEP;
    entries.push([storableString(k, counter), s]);
  }
  // fromEntries defines own properties: a "__proto__" key stays a key.
  return Object.fromEntries(entries);
}

function storableString(value: string, counter: { replaced: number }): string {
  if (!unstorableReason(value)) return value;
  counter.replaced++;
  return value.toWellFormed().replaceAll('\u0000', '\uFFFD');
}
