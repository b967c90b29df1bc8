import { sha256Hex } from '../../crypto/digest';
import { callProvider, type Fetcher, type SendResult } from '../provider-call';

/**
 * GA4 Measurement Protocol for the chatbot's funnel. /mp/collect answers 2xx even for a payload it
 * then drops, so the rules of the validation server (/debug/mp/collect) are applied here before
 * anything is sent. Nothing identifying leaves: the client id is a hash of the bot's user id, and
 * the only parameters are the entry source, the package and engagement numbers.
 */

export const GA4_ENDPOINT = 'https://www.google-analytics.com';
/** Data collected in the EU. */
export const GA4_EU_ENDPOINT = 'https://region1.google-analytics.com';

export interface Ga4Options {
  measurementId: string;
  apiSecret: string;
  /** GA4_ENDPOINT (default) or GA4_EU_ENDPOINT. */
  endpoint?: string;
  timeoutMs: number;
}

export const CHATBOT_EVENTS = ['chatbot_conversation_start', 'generate_lead', 'book_meeting', 'consultant_handoff'] as const;
export type ChatbotEventName = (typeof CHATBOT_EVENTS)[number];

export interface ChatbotEvent {
  /** One of the funnel's events, or a conversion step of the bot's own (`chatbot_<step>`). */
  name: ChatbotEventName | `chatbot_${string}`;
  /** Where the conversation came from (ad, page, QR code…): a label, never a person's detail. */
  source?: string;
  /** The package the person is interested in. */
  package?: string;
  /** With engagement_time_msec, what Realtime and the engagement reports need. */
  sessionId?: string;
  engagementTimeMsec?: number;
}

export type ConsentState = 'GRANTED' | 'DENIED';

export interface MeasurementPayload {
  client_id: string;
  timestamp_micros?: number;
  consent?: { ad_user_data: ConsentState; ad_personalization: ConsentState };
  user_properties?: Record<string, { value: string | number }>;
  events: Array<{ name: string; params?: Record<string, unknown> }>;
}

/** Shaped as /debug/mp/collect reports them. */
export interface ValidationMessage {
  fieldPath: string;
  description: string;
  validationCode: 'VALUE_INVALID' | 'VALUE_REQUIRED' | 'NAME_INVALID' | 'NAME_RESERVED' | 'VALUE_OUT_OF_BOUNDS' | 'EXCEEDED_MAX_ENTITIES' | 'NAME_DUPLICATED';
}

export async function buildChatbotMeasurement(input: {
  botUserId: string;
  /** Already pseudonymous (a hash of the bot user id): used as it is instead of hashing botUserId. */
  clientId?: string;
  consent: { adUserData: boolean; adPersonalization: boolean };
  events: ChatbotEvent[];
  timestampMicros?: number;
}): Promise<MeasurementPayload> {
  return {
    client_id: input.clientId ?? (await sha256Hex(input.botUserId)),
    ...(input.timestampMicros !== undefined ? { timestamp_micros: input.timestampMicros } : {}),
    consent: { ad_user_data: grant(input.consent.adUserData), ad_personalization: grant(input.consent.adPersonalization) },
    events: input.events.map((e) => ({
      name: e.name,
      params: {
        ...(e.source ? { source: e.source } : {}),
        ...(e.package ? { package: e.package } : {}),
        ...(e.sessionId ? { session_id: e.sessionId } : {}),
        ...(e.engagementTimeMsec !== undefined ? { engagement_time_msec: e.engagementTimeMsec } : {}),
      },
    })),
  };
}

const grant = (yes: boolean): ConsentState => (yes ? 'GRANTED' : 'DENIED');

const MAX_EVENTS = 25;
const MAX_PARAMS = 25;
const MAX_NAME = 40;
const MAX_PARAM_VALUE = 100;
const MAX_USER_PROPERTIES = 25;
const MAX_USER_PROPERTY_NAME = 24;
const MAX_USER_PROPERTY_VALUE = 36;
/** Events may be backdated by up to 72 hours; older ones are not processed. */
const MAX_BACKDATE_MICROS = 72 * 3600 * 1_000_000;
const NAME = /^[A-Za-z][A-Za-z0-9_]*$/;
const RESERVED_PREFIXES = ['google_', 'ga_', 'firebase_'];
const RESERVED_EVENTS = new Set(
  (
    'ad_activeview ad_click ad_exposure ad_impression ad_query ad_reward adunit_exposure app_background app_clear_data app_exception ' +
    'app_remove app_store_refund app_store_subscription_cancel app_store_subscription_convert app_store_subscription_renew app_update ' +
    'app_upgrade dynamic_link_app_open dynamic_link_app_update dynamic_link_first_open error first_open first_visit in_app_purchase ' +
    'notification_dismiss notification_foreground notification_open notification_receive os_update session_start ' +
    'session_start_with_rollout user_engagement'
  ).split(' '),
);
const RESERVED_PARAMS = new Set(['firebase_conversion']);
const RESERVED_USER_PROPERTIES = new Set(['first_open_time', 'first_visit_time', 'last_deep_link_referrer', 'user_id', 'first_open_after_install']);

/**
 * The checks /debug/mp/collect applies (Measurement Protocol reference: limits and reserved names).
 * An empty list means valid. `now` is injectable for the 72-hour backdating rule.
 */
export function validateMeasurement(payload: MeasurementPayload, now = Date.now()): ValidationMessage[] {
  const out: ValidationMessage[] = [];
  const add = (fieldPath: string, validationCode: ValidationMessage['validationCode'], description: string) =>
    out.push({ fieldPath, validationCode, description });

  if (typeof payload.client_id !== 'string' || payload.client_id.trim() === '') add('client_id', 'VALUE_REQUIRED', 'A client_id is required for a web stream.');
  if (payload.timestamp_micros !== undefined && payload.timestamp_micros < now * 1000 - MAX_BACKDATE_MICROS)
    add('timestamp_micros', 'VALUE_OUT_OF_BOUNDS', `timestamp_micros [${payload.timestamp_micros}] is more than 72 hours in the past.`);

  const events = Array.isArray(payload.events) ? payload.events : [];
  if (events.length === 0) add('events', 'VALUE_REQUIRED', 'At least one event is required.');
  if (events.length > MAX_EVENTS) add('events', 'EXCEEDED_MAX_ENTITIES', `A request can carry at most ${MAX_EVENTS} events; this one has ${events.length}.`);
  events.forEach((event, i) => {
    const name = event?.name;
    const what = `Event at index [${i}]`;
    if (typeof name !== 'string' || name === '') add('events', 'VALUE_REQUIRED', `${what} has no name.`);
    else
      checkName(name, MAX_NAME, RESERVED_EVENTS, (code, why) =>
        add('events', code, `${what} has ${code === 'NAME_RESERVED' ? 'reserved' : 'invalid'} name [${name}]. ${why}`),
      );
    const params = event?.params ?? {};
    const entries = Object.entries(params);
    if (entries.length > MAX_PARAMS) add('events.params', 'EXCEEDED_MAX_ENTITIES', `${what} has ${entries.length} params; at most ${MAX_PARAMS} are allowed.`);
    for (const [key, value] of entries) {
      const param = `${what}, param [${key}]`;
      checkName(key, MAX_NAME, RESERVED_PARAMS, (code, why) =>
        add('events.params', code, `${param} has ${code === 'NAME_RESERVED' ? 'a reserved' : 'an invalid'} name. ${why}`),
      );
      if (typeof value === 'string' && [...value].length > MAX_PARAM_VALUE)
        add('events.params', 'VALUE_OUT_OF_BOUNDS', `${param} has a value of ${[...value].length} characters; at most ${MAX_PARAM_VALUE} are allowed.`);
      else if (key !== 'items' && typeof value !== 'string' && (typeof value !== 'number' || !Number.isFinite(value)) && typeof value !== 'boolean')
        add('events.params', 'VALUE_INVALID', `${param} must be a string or a number.`);
    }
  });

  const properties = Object.entries(payload.user_properties ?? {});
  if (properties.length > MAX_USER_PROPERTIES)
    add('user_properties', 'EXCEEDED_MAX_ENTITIES', `At most ${MAX_USER_PROPERTIES} user properties are allowed; there are ${properties.length}.`);
  for (const [key, property] of properties) {
    checkName(key, MAX_USER_PROPERTY_NAME, RESERVED_USER_PROPERTIES, (code, why) =>
      add('user_properties', code, `User property [${key}] has ${code === 'NAME_RESERVED' ? 'a reserved' : 'an invalid'} name. ${why}`),
    );
    const value = property?.value;
    if (typeof value === 'string' && [...value].length > MAX_USER_PROPERTY_VALUE)
      add(
        'user_properties',
        'VALUE_OUT_OF_BOUNDS',
        `User property [${key}] has a value of ${[...value].length} characters; at most ${MAX_USER_PROPERTY_VALUE} are allowed.`,
      );
  }
  return out;
}

function checkName(name: string, max: number, reserved: Set<string>, report: (code: ValidationMessage['validationCode'], why: string) => void) {
  if (name.length > max) report('VALUE_OUT_OF_BOUNDS', `Names can be at most ${max} characters long.`);
  if (!/^[A-Za-z]/.test(name)) report('NAME_INVALID', 'Names must start with a letter.');
  else if (!NAME.test(name)) report('NAME_INVALID', 'Names may contain only letters, digits and underscores.');
  if (reserved.has(name)) report('NAME_RESERVED', 'The name is reserved by Google Analytics.');
  else if (RESERVED_PREFIXES.some((p) => name.startsWith(p))) report('NAME_RESERVED', `Names cannot start with ${RESERVED_PREFIXES.join(', ')}.`);
}

/**
 * Google's terms forbid personal data in Analytics: a value shaped like an email address or a phone
 * number is refused. session_id is exempt: it is a number by design (GA's session start time).
 */
function personalDataAt(payload: MeasurementPayload): string | undefined {
  const personal = (v: unknown) => typeof v === 'string' && (/[^\s@]+@[^\s@]+\.[^\s@]+/.test(v) || /\+?\d[\d\s().-]{7,}\d/.test(v));
  for (const [i, e] of payload.events.entries()) {
    for (const [key, value] of Object.entries(e.params ?? {})) if (key !== 'session_id' && personal(value)) return `events[${i}].params.${key}`;
  }
  for (const [key, p] of Object.entries(payload.user_properties ?? {})) if (personal(p?.value)) return `user_properties.${key}`;
  return undefined;
}

export type MeasurementResult =
  | { ok: true; skipped: 'no_analytics_consent' }
  | { ok: true; statusCode: number; requests: number; sentEvents: number }
  | { ok: false; retryable: false; error: string; validationMessages: ValidationMessage[] }
  /** `sentEvents` already reached Google (it does not de-duplicate): a retry should send only the rest. */
  | (Extract<SendResult, { ok: false }> & { sentEvents: number });

const collectUrl = (o: Ga4Options, path: '/mp/collect' | '/debug/mp/collect') =>
  `${o.endpoint ?? GA4_ENDPOINT}${path}?${new URLSearchParams({ measurement_id: o.measurementId, api_secret: o.apiSecret })}`;

const post = (o: Ga4Options, path: '/mp/collect' | '/debug/mp/collect', payload: MeasurementPayload) =>
  new Request(collectUrl(o, path), { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(payload) });

/**
 * Sends a measurement only with the person's analytics consent (none: nothing is sent, not even a
 * hash). More than 25 events go in several requests of the same client and consent; every request is
 * validated before the first is sent, so an invalid event never leaves half a batch behind.
 */
export async function sendMeasurement(
  fetcher: Fetcher,
  o: Ga4Options,
  payload: MeasurementPayload,
  consent: { analytics: boolean },
  now = Date.now(),
): Promise<MeasurementResult> {
  if (!consent.analytics) return { ok: true, skipped: 'no_analytics_consent' };
  const batches: MeasurementPayload[] = [];
  for (let i = 0; i < Math.max(1, payload.events.length); i += MAX_EVENTS) batches.push({ ...payload, events: payload.events.slice(i, i + MAX_EVENTS) });
  const validationMessages = batches.flatMap((b) => validateMeasurement(b, now));
  if (validationMessages.length > 0)
    return { ok: false, retryable: false, error: `invalid measurement: ${validationMessages.map((m) => m.description).join(' ')}`, validationMessages };
  const personal = personalDataAt(payload);
  if (personal) return { ok: false, retryable: false, error: `refused: ${personal} looks like personal data`, validationMessages: [] };

  let sentEvents = 0;
  let statusCode = 0;
  for (const batch of batches) {
    const result = await callProvider(fetcher, post(o, '/mp/collect', batch), { timeoutMs: o.timeoutMs });
    if (!result.ok) return { ...result, sentEvents };
    sentEvents += batch.events.length;
    statusCode = result.statusCode;
  }
  return { ok: true, statusCode, requests: batches.length, sentEvents };
}

/** The chatbot's funnel events: built (hashed id, consent signals) and sent, if analytics consent was given. */
export async function sendChatbotEvents(
  fetcher: Fetcher,
  o: Ga4Options,
  input: {
    botUserId: string;
    clientId?: string;
    consent: { analytics: boolean; adUserData: boolean; adPersonalization: boolean };
    events: ChatbotEvent[];
    timestampMicros?: number;
  },
): Promise<MeasurementResult> {
  if (!input.consent.analytics) return { ok: true, skipped: 'no_analytics_consent' };
  return sendMeasurement(fetcher, o, await buildChatbotMeasurement(input), input.consent);
}

/** Google's own verdict on a payload, from the validation server (nothing reaches the reports). */
export async function debugMeasurement(
  fetcher: Fetcher,
  o: Ga4Options,
  payload: MeasurementPayload,
): Promise<{ ok: true; validationMessages: ValidationMessage[] } | Extract<SendResult, { ok: false }>> {
  const result = await callProvider(fetcher, post(o, '/debug/mp/collect', payload), { timeoutMs: o.timeoutMs });
  if (!result.ok) return result;
  const messages = (result.body as { validationMessages?: ValidationMessage[] } | undefined)?.validationMessages;
  if (!Array.isArray(messages))
    return { ok: false, retryable: true, statusCode: result.statusCode, error: 'the validation server answered without validationMessages' };
  return { ok: true, validationMessages: messages };
}
