/**
 * Wall-clock time ↔ UTC instants in IANA time zones with nothing but Intl (no date library): the time
 * zone database of the runtime decides offsets, so daylight-saving changes are handled where they occur.
 */
const MINUTE = 60_000;
const DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    formatters.set(tz, f);
  }
  return f;
}

export interface WallClock {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

export function wallClock(instant: number, tz: string): WallClock {
  const parts: Record<string, number> = {};
  for (const p of formatter(tz).formatToParts(new Date(instant))) {
    if (p.type !== 'literal') parts[p.type] = Number(p.value);
  }
  return { year: parts.year!, month: parts.month!, day: parts.day!, hour: parts.hour! % 24, minute: parts.minute!, second: parts.second! };
}

/** How far `tz`'s wall clock is ahead of UTC at `instant`, in ms (e.g. +3,600,000 for CET). */
export function offsetAt(instant: number, tz: string): number {
  const w = wallClock(instant, tz);
  const asUtc = Date.UTC(w.year, w.month - 1, w.day, w.hour, w.minute, w.second);
  return asUtc - (instant - (((instant % 1000) + 1000) % 1000));
}

/** "YYYY-MM-DD" of the instant in `tz`. */
export function localDate(instant: number, tz: string): string {
  const w = wallClock(instant, tz);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}`;
}

/** Adds days to a "YYYY-MM-DD" calendar date. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + days * DAY).toISOString().slice(0, 10);
}

/** 0 = Sunday … 6 = Saturday for a calendar date. */
export function weekdayOf(date: string): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d)).getUTCDay();
}

/**
 * The instant at which `tz`'s clocks show `date` `time` ("24:00" = the next midnight). Like Temporal's
 * "compatible" disambiguation: a time skipped by a spring-forward change moves forward by the gap, a
 * time repeated by a fall-back change resolves to the earlier of its two instants.
 */
export function wallTimeToUtc(date: string, time: string, tz: string): number {
  const [y, mo, d] = date.split('-').map(Number) as [number, number, number];
  const [h, mi] = time.split(':').map(Number) as [number, number];
  const guess = Date.UTC(y, mo - 1, d, h, mi);
  const before = offsetAt(guess - DAY, tz);
  const after = offsetAt(guess + DAY, tz);
  const valid = [...new Set([before, after])].map((o) => guess - o).filter((t) => offsetAt(t, tz) === guess - t);
  if (valid.length > 0) return Math.min(...valid);
  return guess - before; // in a gap: the pre-change offset lands just after the gap
}

/** RFC 3339 with the zone's offset at that instant, e.g. "2026-11-02T09:00:00-05:00". */
export function formatInZone(instant: number, tz: string): string {
  const w = wallClock(instant, tz);
  const offsetMin = Math.round(offsetAt(instant, tz) / MINUTE);
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  return `${w.year}-${pad(w.month)}-${pad(w.day)}T${pad(w.hour)}:${pad(w.minute)}:${pad(w.second)}${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}
