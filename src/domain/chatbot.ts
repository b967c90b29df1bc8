import type { VisitorSlot } from './availability';
import { unstorableReason } from './text';

/**
 * The chatbot hub's rules that hold whatever the platform: which attribute carries which field, how a
 * yes is spelled, what a valid number and step name are, and every Polish text a visitor reads. Pure.
 */

/** Leadgate's fields and the bot attributes they are read from by default (Chatfuel's own names included). */
export const DEFAULT_BOT_ATTRIBUTES = {
  user_id: 'chatfuel user id',
  first_name: 'first name',
  last_name: 'last name',
  name: 'name',
  email: 'email',
  phone: 'phone',
  topic: 'topic',
  package: 'package',
  meeting_start: 'meeting_start',
  question: 'question',
  freeform: 'last user freeform input',
  timezone: 'timezone',
  source: 'source',
  step: 'step',
  consent_marketing: 'consent_marketing',
  consent_sms: 'consent_sms',
  consent_analytics: 'consent_analytics',
} as const;
export type BotField = keyof typeof DEFAULT_BOT_ATTRIBUTES;

/** The configured mapping over the defaults; unknown fields in the configuration are ignored. */
export function botAttributeNames(overrides: Readonly<Record<string, string>>): Record<BotField, string> {
  const names: Record<string, string> = { ...DEFAULT_BOT_ATTRIBUTES };
  for (const [field, attribute] of Object.entries(overrides)) if (Object.hasOwn(DEFAULT_BOT_ATTRIBUTES, field)) names[field] = attribute;
  return names as Record<BotField, string>;
}

/** The fields of a request, read by their attribute names; blank values and Chatfuel's unset "null" count as absent. */
export function botFields(attributes: Readonly<Record<string, unknown>>, names: Record<BotField, string>): Partial<Record<BotField, string>> {
  const out: Partial<Record<BotField, string>> = {};
  for (const field of Object.keys(names) as BotField[]) {
    const attr = names[field];
    const raw = Object.hasOwn(attributes, attr) ? attributes[attr] : undefined;
    if (raw === undefined || raw === null || typeof raw === 'object') continue;
    const value = String(raw).trim().slice(0, 2000);
    // Chatfuel sends an unset attribute as "null"; text Postgres cannot store (NUL) counts as not given.
    if (value === '' || value === 'null' || value === 'undefined' || unstorableReason(value)) continue;
    out[field] = value;
  }
  return out;
}

/** How bots and people say yes: "tak", "yes", "true", "1", a ticked box. */
export const isYes = (value: string | undefined): boolean => value !== undefined && /^(tak|yes|true|1|y|t|on|zgoda|zgadzam się)$/i.test(value.trim());

/** A number as the bot got it: E.164 as it is; nine digits are a Polish mobile or landline (+48). */
export function phoneToE164(raw: string, defaultCountryCode = '48'): string | null {
  const compact = raw.replace(/[\s().-]/g, '');
  const e164 = compact.startsWith('00') ? `+${compact.slice(2)}` : compact;
  if (/^\+[1-9]\d{6,14}$/.test(e164)) return e164;
  if (/^\d{9}$/.test(e164)) return `+${defaultCountryCode}${e164}`;
  return null;
}

/** A tracked step's name: it becomes the GA4 event `chatbot_<step>` (40 characters at most, letters, digits and _). */
export const isStepName = (value: string): boolean => /^[a-z][a-z0-9_]{0,31}$/.test(value);

/** Chatfuel's own time zone attribute is an offset ("+1 GMT"); only an IANA name is a zone we can book in. */
export function visitorTimeZone(attribute: string | undefined, fallback: string): string {
  if (!attribute || !/^[A-Za-z_]+\/[A-Za-z_\-/]+$/.test(attribute)) return fallback;
  try {
    new Intl.DateTimeFormat('pl-PL', { timeZone: attribute });
    return attribute;
  } catch {
    return fallback;
  }
}

const SLOT_LABEL = new Map<string, Intl.DateTimeFormat>();

/** A slot as a button reads: "pon. 15.06, 09:30" on the visitor's clock (20 characters at most). */
export function slotLabel(slot: Pick<VisitorSlot, 'start'>, timeZone: string): string {
  let f = SLOT_LABEL.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('pl-PL', {
      timeZone,
      weekday: 'short',
      day: '2-digit',
      month: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    });
    SLOT_LABEL.set(timeZone, f);
  }
  const p = Object.fromEntries(f.formatToParts(new Date(slot.start)).map((x) => [x.type, x.value]));
  return `${p.weekday} ${p.day}.${p.month}, ${p.hour}:${p.minute}`.slice(0, 20);
}

/** What the flow can branch on (`leadgate_error`), and what the visitor is told. */
export const BOT_ERRORS = {
  invalid_email: 'Podaj poprawny adres e-mail.',
  missing_email: 'Podaj swój adres e-mail, abyśmy mogli się z Tobą skontaktować.',
  invalid_phone: 'Podaj poprawny numer telefonu, np. +48 600 100 200.',
  invalid_package: 'Wybierz jeden z dostępnych pakietów.',
  invalid_slot: 'Wybierz jeden z proponowanych terminów.',
  slot_taken: 'Ten termin został właśnie zajęty. Wybierz jeden z najbliższych wolnych:',
  no_slots: 'Niestety nie mamy teraz wolnych terminów. Możesz poprosić o kontakt konsultanta.',
  active_booking: 'Masz już zaplanowane spotkanie. Aby zmienić termin, użyj linku z e-maila z potwierdzeniem.',
  booking_unavailable: 'Nie możemy teraz zarezerwować terminu. Spróbuj ponownie za chwilę.',
  invalid_step: 'Nieznany krok rozmowy.',
  rate_limited: 'Za dużo wiadomości w krótkim czasie. Spróbuj ponownie za kilka minut.',
  unavailable: 'Przepraszamy, coś poszło nie tak. Spróbuj ponownie za chwilę.',
} as const;
export type BotErrorCode = keyof typeof BOT_ERRORS;

const hello = (name?: string) => (name ? `Cześć ${name}!` : 'Cześć!');

export const BOT_TEXTS = {
  greeting: (company: string, name?: string) => `${hello(name)} Tu asystent ${company}. Który pakiet Cię interesuje?`,
  leadSaved: (name?: string) => `Dziękujemy${name ? `, ${name}` : ''}! Zapisaliśmy Twoje dane. Chcesz umówić spotkanie z konsultantem?`,
  pickSlot: (timeZone: string) => `Wybierz dogodny termin (czas: ${timeZone}):`,
  booked: (date: string, time: string, host: string) => `Gotowe! Spotkanie: ${date} o godz. ${time}, konsultant: ${host}. Potwierdzenie wyślemy e-mailem.`,
  handedOff: (consultant: string) => `Przekazaliśmy Twoje pytanie do konsultanta (${consultant}). Skontaktuje się z Tobą w ciągu 24h.`,
  yesBook: 'Umów spotkanie',
  askConsultant: 'Zapytaj konsultanta',
} as const;
