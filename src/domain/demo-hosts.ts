import { z } from 'zod';

/** True when `tz` is an IANA time zone the runtime knows (e.g. "Europe/Berlin"). */
export function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

const hhmm = z.string().regex(/^([01]\d|2[0-4]):[0-5]\d$/, 'must be HH:MM');
const window = z.tuple([hhmm, hhmm]).refine(([a, b]) => a < b, 'a working window must end after it starts');

/** One person on demo duty and their bookable week, in their own time zone. */
export const DemoHostSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,63}$/, 'must be a lower-case slug'),
  name: z.string().min(1),
  email: z.email(),
  time_zone: z.string().refine(isTimeZone, 'must be an IANA time zone such as Europe/Berlin'),
  working_hours: z.partialRecord(z.enum(WEEKDAYS), z.array(window)),
  slot_minutes: z.number().int().min(5).max(480).default(30),
  buffer_before_minutes: z.number().int().min(0).max(240).default(0),
  buffer_after_minutes: z.number().int().min(0).max(240).default(0),
  min_notice_minutes: z.number().int().min(0).default(240),
  max_per_day: z.number().int().min(1).default(8),
  holidays: z.array(z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'must be YYYY-MM-DD')).default([]),
  google_calendar_id: z.string().min(1).optional(),
});

export type DemoHost = z.infer<typeof DemoHostSchema>;

export const DemoHostsSchema = z.array(DemoHostSchema).refine((hosts) => new Set(hosts.map((h) => h.id)).size === hosts.length, 'host ids must be unique');

/**
 * Who takes the next demo: least loaded first (fewest upcoming bookings), ties in configured order,
 * so duty rotates without a shared counter.
 */
export function hostsByLeastLoad<H extends { id: string }>(hosts: H[], upcoming: Record<string, number>): H[] {
  return hosts
    .map((host, order) => ({ host, order, load: upcoming[host.id] ?? 0 }))
    .sort((a, b) => a.load - b.load || a.order - b.order)
    .map((x) => x.host);
}
