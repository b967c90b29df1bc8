import { SegmentedMessage } from 'sms-segments-calculator';
import { z } from 'zod';

/**
 * Rules about SMS that hold whatever the provider: which numbers can receive one, what a body costs in
 * segments, the Polish wordings the chatbot hub sends, and what a Twilio error means for the number.
 * Pure.
 */

/** E.164: "+", a country code that does not start with 0, at most 15 digits in all (the API's own rule). */
export const isE164 = (value: string): boolean => /^\+[1-9]\d{6,14}$/.test(value);

// ───────────────────────────── segments ─────────────────────────────

export interface SmsSegmentCount {
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  /** What fills the segments: GSM-7 septets (an extension character such as € or [ takes two) or UCS-2 code units. */
  units: number;
  /** Units one segment holds at this length: 160 or 70 alone, 153 or 67 once a header joins the parts. */
  perSegment: number;
  /** The characters that forced UCS-2, each once (none for GSM-7). */
  nonGsmCharacters: string[];
}

/**
 * What a body costs, counted by Twilio's own calculator (sms-segments-calculator): it knows the GSM-7
 * basic and extension tables, keeps an escape pair or a surrogate pair from being split across parts,
 * and accounts for the 6-octet concatenation header. One character outside GSM-7 (every Polish
 * diacritic but none of the ASCII letters) turns the whole message into UCS-2.
 */
export function smsSegments(body: string): SmsSegmentCount {
  const message = new SegmentedMessage(body);
  const encoding = message.encodingName;
  const single = message.segmentsCount <= 1;
  return {
    encoding,
    segments: message.segmentsCount,
    units: message.messageSize / (encoding === 'GSM-7' ? 7 : 16),
    perSegment: encoding === 'GSM-7' ? (single ? 160 : 153) : single ? 70 : 67,
    nonGsmCharacters: [...new Set(message.getNonGsmCharacters())],
  };
}

/** Polish letters and the typography word processors put in, each with its nearest GSM-7 spelling. */
const TO_GSM: Record<string, string> = {
  ą: 'a',
  ć: 'c',
  ę: 'e',
  ł: 'l',
  ń: 'n',
  ó: 'o',
  ś: 's',
  ź: 'z',
  ż: 'z',
  Ą: 'A',
  Ć: 'C',
  Ę: 'E',
  Ł: 'L',
  Ń: 'N',
  Ó: 'O',
  Ś: 'S',
  Ź: 'Z',
  Ż: 'Z',
  '\u2018': "'",
  '\u2019': "'",
  '\u201A': "'",
  '\u201B': "'",
  '\u201C': '"',
  '\u201D': '"',
  '\u201E': '"',
  '\u201F': '"',
  '\u00AB': '"',
  '\u00BB': '"',
  '\u2010': '-',
  '\u2011': '-',
  '\u2012': '-',
  '\u2013': '-',
  '\u2014': '-',
  '\u2212': '-',
  '\u2026': '...',
  '\u00A0': ' ',
  '\u2009': ' ',
  '\u202F': ' ',
};
const TO_GSM_PATTERN = new RegExp(`[${Object.keys(TO_GSM).join('')}]`, 'g');

export interface Transliteration {
  text: string;
  changed: boolean;
  before: SmsSegmentCount;
  after: SmsSegmentCount;
}

/**
 * The body spelled without Polish diacritics and typographic punctuation, so that it can travel as
 * GSM-7 (160 characters a part instead of 70). Optional: it costs readability, so the caller decides,
 * and the counts before and after say what it saved. Text is composed first (NFC), so "a" followed by a
 * combining ogonek is the ą it looks like. Anything else outside GSM-7 (an emoji) is kept, and `after`
 * then still says UCS-2.
 */
export function transliterateToGsm(body: string): Transliteration {
  const text = body.normalize('NFC').replace(TO_GSM_PATTERN, (ch) => TO_GSM[ch]!);
  return { text, changed: text !== body, before: smsSegments(body), after: smsSegments(text) };
}

// ───────────────────────────── templates ─────────────────────────────

/** The wordings the hub sends, in Polish; `{name}` and the like are filled from the booking or the lead. */
export const DEFAULT_SMS_TEMPLATES = {
  booking_confirmation: 'Witaj {name}! Potwierdzamy Twoje spotkanie dnia {date} o godz. {time}. Temat: {service}. Konsultant: {consultant}.',
  booking_reminder: 'Przypomnienie: jutro ({date}) o godz. {time} masz spotkanie. Temat: {service}. Konsultant: {consultant}. Do zobaczenia!',
  consultant_contact: 'Witaj {name}! Twoje zapytanie zostało przekazane do konsultanta ({consultant}). Skontaktuje się z Tobą w ciągu 24h.',
  default: 'Witaj {name}! Dziękujemy za kontakt.',
} as const;
export type SmsTemplateName = keyof typeof DEFAULT_SMS_TEMPLATES;
export type SmsTemplates = Readonly<Record<SmsTemplateName, string>>;

const PLACEHOLDER = /\{([a-z_]+)\}/g;
const isTemplateName = (name: string): name is SmsTemplateName => Object.hasOwn(DEFAULT_SMS_TEMPLATES, name);
const placeholdersOf = (text: string): string[] => [...text.matchAll(PLACEHOLDER)].map((m) => m[1]!);

/** Filled in every template from configuration (CHATBOT_COMPANY_NAME, CHATBOT_COMPANY_PHONE). */
export const COMPANY_PLACEHOLDERS = ['company', 'company_phone'] as const;

/** A template's placeholders are those of its default wording (the values the caller has to give) and the company's. */
const KNOWN_PLACEHOLDERS = new Map(
  Object.entries(DEFAULT_SMS_TEMPLATES).map(([name, text]) => [name, new Set([...placeholdersOf(text), ...COMPANY_PLACEHOLDERS])]),
);

/**
 * Why an override map cannot be used, one line per problem (empty when it can). An override may leave a
 * placeholder out, but not bring one in that nobody fills: `{imie}` would reach the customer as it is.
 * A brace outside a placeholder is refused too (most likely a half-typed one such as `{name`).
 */
export function smsTemplateProblems(overrides: Record<string, string>): string[] {
  const problems: string[] = [];
  for (const [name, text] of Object.entries(overrides)) {
    if (!isTemplateName(name)) {
      problems.push(`"${name.slice(0, 60)}" is not an SMS template (known: ${Object.keys(DEFAULT_SMS_TEMPLATES).join(', ')})`);
      continue;
    }
    if (text.trim() === '') problems.push(`${name}: the text is empty`);
    const known = KNOWN_PLACEHOLDERS.get(name)!;
    const unknown = placeholdersOf(text).filter((p) => !known.has(p));
    if (unknown.length > 0)
      problems.push(`${name}: unknown placeholder(s) ${unknown.map((p) => `{${p}}`).join(', ')} (allowed: ${[...known].map((p) => `{${p}}`).join(', ')})`);
    if (/[{}]/.test(text.replace(PLACEHOLDER, ''))) problems.push(`${name}: a brace outside a placeholder`);
  }
  return problems;
}

/** Configuration's shape of the overrides: template name → text, checked with `smsTemplateProblems`. */
export const SmsTemplateOverridesSchema = z.record(z.string(), z.string()).superRefine((overrides, ctx) => {
  for (const message of smsTemplateProblems(overrides)) ctx.addIssue({ code: 'custom', message });
});

/** The defaults with each valid override in place of its default. */
export function effectiveSmsTemplates(overrides: Record<string, string> = {}): SmsTemplates {
  const problems = smsTemplateProblems(overrides);
  if (problems.length > 0) throw new Error(`SMS templates: ${problems.join('; ')}`);
  return { ...DEFAULT_SMS_TEMPLATES, ...overrides };
}

export type SmsRendering = { ok: true; text: string } | { ok: false; missing: string[] };

/**
 * The template with its placeholders filled, in one pass (a value that itself reads "{date}" stays as it
 * is). Values are plain text and go in unescaped: an SMS has no markup. A placeholder without a value,
 * or with a blank one, refuses the whole message: "Witaj !" is worse than no SMS.
 */
export function renderSmsTemplate(templates: SmsTemplates, name: SmsTemplateName, values: Partial<Record<string, string>>): SmsRendering {
  const text = templates[name];
  const given = (p: string) => (Object.hasOwn(values, p) ? values[p] : undefined);
  const missing = [...new Set(placeholdersOf(text))].filter((p) => !given(p)?.trim());
  if (missing.length > 0) return { ok: false, missing };
  return { ok: true, text: text.replace(PLACEHOLDER, (_m, p: string) => given(p)!) };
}

// ───────────────────────────── Twilio errors ─────────────────────────────

/**
 * What a Twilio error means for the number and the message:
 * - `opted_out`: the recipient replied STOP; send nothing more to that number until they opt back in.
 * - `invalid_number`: this number cannot take SMS from this account; fail the message, never retry it.
 * - `retryable`: nothing was wrong with the message; send it again after a backoff.
 * - `failed`: this message failed for good, but the number may still be used.
 */
export type TwilioErrorKind = 'opted_out' | 'invalid_number' | 'retryable' | 'failed';

const OPTED_OUT = new Set([21610]);
/**
 * 21211 invalid To, 21614 not a mobile number, 21407 number type without SMS, 21635 landline, 21408 no
 * permission for the destination's region (the account's setting, but until it changes the number is
 * out of reach), and the delivery-time 30005 unknown handset and 30006 landline or unreachable carrier.
 */
const INVALID_NUMBER = new Set([21211, 21614, 21407, 21635, 21408, 30005, 30006]);
/** 20429 too many concurrent requests (never processed), 30001 queue overflow, 30003 handset unreachable for now. */
const RETRYABLE = new Set([20429, 30001, 30003]);

/** From the code when Twilio gave one; otherwise from the HTTP status as for any provider (429 and 5xx retry). */
export function classifyTwilioError(error: { code?: number | null; httpStatus?: number }): TwilioErrorKind {
  const { code, httpStatus } = error;
  if (code != null) {
    if (OPTED_OUT.has(code)) return 'opted_out';
    if (INVALID_NUMBER.has(code)) return 'invalid_number';
    if (RETRYABLE.has(code)) return 'retryable';
  }
  if (httpStatus !== undefined && (httpStatus === 429 || httpStatus >= 500)) return 'retryable';
  return 'failed';
}

/** Twilio's REST error body: `{"code":21610,"message":"…","more_info":"https://www.twilio.com/docs/errors/21610","status":400}`. */
const TwilioErrorBodySchema = z.object({
  code: z.number().int().nullable().optional(),
  message: z.string().optional(),
  more_info: z.string().optional(),
  status: z.number().int().optional(),
});
export type TwilioErrorBody = z.infer<typeof TwilioErrorBodySchema>;

/** The error body as parsed JSON or as its text; null when it is not Twilio's error shape. */
export function parseTwilioErrorBody(body: unknown): TwilioErrorBody | null {
  let value = body;
  if (typeof body === 'string') {
    try {
      value = JSON.parse(body);
    } catch {
      return null;
    }
  }
  const parsed = TwilioErrorBodySchema.safeParse(value);
  return parsed.success && (parsed.data.code != null || parsed.data.status !== undefined) ? parsed.data : null;
}
