import { z } from 'zod';
import { localDate, wallClock } from '../../domain/zoned-time';

/**
 * A lead (and its meeting) as monday column values, each column type in the JSON form its API takes
 * (developer.monday.com/api-reference, one page per column type). Pure: no I/O.
 */

export const MONDAY_COLUMN_TYPES = ['name', 'email', 'phone', 'text', 'long_text', 'status', 'date', 'hour'] as const;
export type MondayColumnType = (typeof MONDAY_COLUMN_TYPES)[number];

/** What the chatbot knows about a person, and the instant of the meeting they booked. */
export interface MondayLead {
  name?: string;
  email?: string;
  /** E.164 ("+48600100200"), or a national number of the default country. */
  phone?: string;
  topic?: string;
  source?: string;
  package?: string;
  status?: string;
  /** The meeting's instant: ISO 8601 with an offset, or epoch milliseconds. */
  meetingAt?: string | number;
}

/** Which column type each field may be written to: a status label cannot go into an hour column. */
const ALLOWED: Record<MondayField, readonly MondayColumnType[]> = {
  name: ['name'],
  email: ['email', 'text'],
  phone: ['phone', 'text'],
  topic: ['text', 'long_text', 'status'],
  source: ['text', 'long_text', 'status'],
  package: ['text', 'long_text', 'status'],
  status: ['text', 'long_text', 'status'],
  meetingDate: ['date', 'text'],
  meetingTime: ['hour', 'text'],
};
type MondayField = 'name' | 'email' | 'phone' | 'topic' | 'source' | 'package' | 'status' | 'meetingDate' | 'meetingTime';

const columnSpec = z
  .object({
    id: z.string().min(1),
    type: z.enum(MONDAY_COLUMN_TYPES),
    /** Date columns only: also write the time of day (monday stores it in UTC). */
    withTime: z.boolean().optional(),
  })
  .strict();

/** A board's columns for the chatbot's fields, configurable as JSON: field → { id, type }. */
export const mondayColumnMapSchema = z
  .object({
    name: columnSpec.optional(),
    email: columnSpec.optional(),
    phone: columnSpec.optional(),
    topic: columnSpec.optional(),
    source: columnSpec.optional(),
    package: columnSpec.optional(),
    status: columnSpec.optional(),
    meetingDate: columnSpec.optional(),
    meetingTime: columnSpec.optional(),
  })
  .strict()
  .superRefine((map, ctx) => {
    const seen = new Map<string, string>();
    for (const [field, spec] of Object.entries(map) as Array<[MondayField, z.infer<typeof columnSpec> | undefined]>) {
      if (!spec) continue;
      if (!ALLOWED[field].includes(spec.type))
        ctx.addIssue({
          code: 'custom',
          path: [field, 'type'],
          message: `${field} can be written to a ${ALLOWED[field].join(' or ')} column, not ${spec.type}`,
        });
      if (spec.withTime !== undefined && spec.type !== 'date')
        ctx.addIssue({ code: 'custom', path: [field, 'withTime'], message: 'only date columns have a time' });
      const other = seen.get(spec.id);
      if (other) ctx.addIssue({ code: 'custom', path: [field, 'id'], message: `column ${spec.id} is already used by ${other}` });
      seen.set(spec.id, field);
    }
  });
export type MondayColumnMap = z.infer<typeof mondayColumnMapSchema>;

/** The Chatfuel bot's board as set up by default. */
export const DEFAULT_MONDAY_COLUMNS: MondayColumnMap = {
  name: { id: 'name', type: 'name' },
  email: { id: 'email', type: 'email' },
  phone: { id: 'phone', type: 'phone' },
  topic: { id: 'text1', type: 'text' },
  source: { id: 'status1', type: 'status' },
  meetingDate: { id: 'date', type: 'date' },
  meetingTime: { id: 'time', type: 'hour' },
  package: { id: 'status2', type: 'status' },
  status: { id: 'status', type: 'status' },
};

/** monday refuses item names outside 1–255 characters (ItemNameTooLongException). */
const ITEM_NAME_MAX = 255;
/** The long text column's hard limit, enforced by the API since its strict validation. */
const LONG_TEXT_MAX = 2000;

export interface MondayItemValues {
  itemName: string;
  /** column id → value; goes to the API as JSON.stringify(columnValues). */
  columnValues: Record<string, unknown>;
  /** Fields left out, with why: one bad value must not make monday refuse the whole item. */
  skipped: Array<{ field: string; reason: string }>;
}

/**
 * The item for a lead. Dates and hours are the meeting's wall clock in `timeZone` (the board's
 * business zone): a date-only column shows the local day, an hour column the local time. A date
 * column with a time is the exception: monday takes that time in UTC and shows it in each viewer's
 * own zone, so it is written in UTC.
 */
export function buildMondayItem(lead: MondayLead, map: MondayColumnMap, timeZone: string, defaultCountry = 'PL'): MondayItemValues {
  const columnValues: Record<string, unknown> = {};
  const skipped: MondayItemValues['skipped'] = [];
  const text: Record<Exclude<MondayField, 'meetingDate' | 'meetingTime' | 'name'>, string | undefined> = {
    email: lead.email?.trim().toLowerCase() || undefined,
    phone: lead.phone?.trim() || undefined,
    topic: lead.topic?.trim() || undefined,
    source: lead.source?.trim() || undefined,
    package: lead.package?.trim() || undefined,
    status: lead.status?.trim() || undefined,
  };
  for (const [field, value] of Object.entries(text) as Array<[keyof typeof text, string | undefined]>) {
    const spec = map[field];
    if (!spec || value === undefined) continue;
    if (spec.type === 'phone') {
      const phone = phoneColumnValue(value, defaultCountry);
      if (phone) columnValues[spec.id] = phone;
      else skipped.push({ field, reason: 'the country of the phone number is not known' });
    } else columnValues[spec.id] = textColumnValue(spec.type, value);
  }

  const at = lead.meetingAt === undefined ? undefined : instant(lead.meetingAt);
  if (at !== undefined && Number.isNaN(at)) skipped.push({ field: 'meetingAt', reason: 'not a valid instant' });
  else if (at !== undefined) {
    if (map.meetingDate) columnValues[map.meetingDate.id] = dateColumnValue(map.meetingDate, at, timeZone);
    if (map.meetingTime) columnValues[map.meetingTime.id] = map.meetingTime.type === 'hour' ? hourColumnValue(at, timeZone) : localTime(at, timeZone);
  }

  return { itemName: itemName(lead), columnValues, skipped };
}

/** Date.parse alone accepts almost any text: a string must be ISO 8601 with its zone. */
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;
const instant = (at: string | number) => (typeof at === 'number' ? at : ISO_INSTANT.test(at) ? Date.parse(at) : Number.NaN);

function itemName(lead: MondayLead): string {
  // monday refuses an empty name; the contact details are the next best label for the sales team.
  const name = lead.name?.trim() || lead.email?.trim() || lead.phone?.trim() || 'Chatbot lead';
  const chars = [...name];
  return chars.length > ITEM_NAME_MAX ? chars.slice(0, ITEM_NAME_MAX).join('') : name;
}

function textColumnValue(type: MondayColumnType, value: string): unknown {
  switch (type) {
    case 'email':
      return { email: value, text: value };
    case 'long_text':
      return { text: [...value].slice(0, LONG_TEXT_MAX).join('') };
    case 'status':
      return { label: value };
    default:
      return value;
  }
}

function dateColumnValue(spec: { type: MondayColumnType; withTime?: boolean }, at: number, timeZone: string): unknown {
  if (spec.type === 'text') return localDate(at, timeZone);
  if (!spec.withTime) return { date: localDate(at, timeZone) };
  const iso = new Date(at).toISOString();
  return { date: iso.slice(0, 10), time: iso.slice(11, 19) };
}

function hourColumnValue(at: number, timeZone: string): { hour: number; minute: number } {
  const w = wallClock(at, timeZone);
  return { hour: w.hour, minute: w.minute };
}

function localTime(at: number, timeZone: string): string {
  const w = wallClock(at, timeZone);
  return `${String(w.hour).padStart(2, '0')}:${String(w.minute).padStart(2, '0')}`;
}

/**
 * ITU calling codes → ISO 3166 country, for the phone column (monday checks that the number is valid
 * for the country it is given). Calling codes are prefix-free, so the first 1–3 digits find at most one.
 * A few codes are shared (+44 with the Crown Dependencies, +39 with the Vatican); the main country is
 * meant.
 */
const CALLING_CODES = new Map<string, string>([
  ['48', 'PL'],
  ['49', 'DE'],
  ['44', 'GB'],
  ['33', 'FR'],
  ['34', 'ES'],
  ['39', 'IT'],
  ['31', 'NL'],
  ['420', 'CZ'],
  ['421', 'SK'],
  ['380', 'UA'],
  ['370', 'LT'],
  ['43', 'AT'],
  ['41', 'CH'],
  ['32', 'BE'],
  ['353', 'IE'],
  ['351', 'PT'],
  ['36', 'HU'],
  ['40', 'RO'],
  ['45', 'DK'],
  ['46', 'SE'],
  ['47', 'NO'],
]);

/** +1 is shared by the North American Numbering Plan: the area code says which country. */
const CANADIAN_AREA_CODES = new Set(
  '204 226 236 249 250 257 263 289 306 343 354 365 367 368 382 403 416 418 428 431 437 438 450 468 474 506 514 519 548 579 581 584 587 604 613 639 647 672 683 705 709 742 753 778 780 782 807 819 825 867 873 879 902 905 942'.split(
    ' ',
  ),
);
const OTHER_NANP_AREA_CODES = new Map<string, string>([
  ['242', 'BS'],
  ['246', 'BB'],
  ['264', 'AI'],
  ['268', 'AG'],
  ['284', 'VG'],
  ['340', 'VI'],
  ['345', 'KY'],
  ['441', 'BM'],
  ['473', 'GD'],
  ['649', 'TC'],
  ['658', 'JM'],
  ['876', 'JM'],
  ['664', 'MS'],
  ['670', 'MP'],
  ['671', 'GU'],
  ['684', 'AS'],
  ['721', 'SX'],
  ['758', 'LC'],
  ['767', 'DM'],
  ['784', 'VC'],
  ['787', 'PR'],
  ['939', 'PR'],
  ['809', 'DO'],
  ['829', 'DO'],
  ['849', 'DO'],
  ['868', 'TT'],
  ['869', 'KN'],
]);

/** The ISO country of an E.164 number, or undefined when its calling code is not in the table. */
export function countryOfE164(e164: string): string | undefined {
  const digits = e164.replace(/^\+/, '');
  if (digits.startsWith('1')) {
    const area = digits.slice(1, 4);
    return CANADIAN_AREA_CODES.has(area) ? 'CA' : (OTHER_NANP_AREA_CODES.get(area) ?? 'US');
  }
  for (const length of [1, 2, 3]) {
    const country = CALLING_CODES.get(digits.slice(0, length));
    if (country) return country;
  }
  return undefined;
}

/**
 * The phone column's value. Fallbacks: a number without "+" (or "00") is a national number of
 * `defaultCountry` (the bot's market); an international number whose calling code is not in the
 * table gets no value at all (undefined), because a wrong country makes monday refuse the whole item.
 */
export function phoneColumnValue(raw: string, defaultCountry = 'PL'): { phone: string; countryShortName: string } | undefined {
  const compact = raw.replace(/[\s().\-/]/g, '').replace(/^00/, '+');
  if (!/^\+?\d{5,15}$/.test(compact)) return undefined;
  if (!compact.startsWith('+')) return { phone: compact, countryShortName: defaultCountry };
  const country = countryOfE164(compact);
  return country ? { phone: compact, countryShortName: country } : undefined;
}
