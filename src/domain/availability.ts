import type { DemoHost, Weekday } from './demo-hosts';
import { WEEKDAYS } from './demo-hosts';
import { addDays, formatInZone, localDate, wallTimeToUtc, weekdayOf } from './zoned-time';

const MINUTE = 60_000;

/** A half-open time range [start, end) in epoch milliseconds. */
export interface Interval {
  start: number;
  end: number;
}

export type Schedule = Pick<
  DemoHost,
  'time_zone' | 'working_hours' | 'slot_minutes' | 'buffer_before_minutes' | 'buffer_after_minutes' | 'min_notice_minutes' | 'max_per_day' | 'holidays'
>;

export interface AvailabilityInput {
  schedule: Schedule;
  /** Slots starting in [from, to) are listed. */
  from: number;
  to: number;
  now: number;
  /** Times the host is busy elsewhere (their calendar). */
  busy: Interval[];
  /** The host's confirmed demos: busy, and counted against the daily cap. */
  booked: Interval[];
}

const overlaps = (a: Interval, b: Interval) => a.start < b.end && b.start < a.end;

/**
 * The host's free demo slots: working hours (in the host's time zone, DST-correct) cut into slots,
 * minus holidays, full days (max_per_day), slots inside the minimum notice, slots whose padded range
 * (buffer before + slot + buffer after) touches anything busy or booked, and slots inside a booked
 * demo's own buffers (the two may share breathing time). Pure: "now" is an input.
 */
export function freeSlots(input: AvailabilityInput): Interval[] {
  const { schedule: s, from, to, now } = input;
  const tz = s.time_zone;
  const slotMs = s.slot_minutes * MINUTE;
  const earliest = now + s.min_notice_minutes * MINUTE;
  const before = s.buffer_before_minutes * MINUTE;
  const after = s.buffer_after_minutes * MINUTE;
  const blocked = [...input.busy, ...input.booked];
  // A demo keeps its own buffers too: nothing may start in the breathing time after (or before) it.
  const bookedWithBuffers = input.booked.map((b) => ({ start: b.start - before, end: b.end + after }));
  const perDay = new Map<string, number>();
  for (const b of input.booked) perDay.set(localDate(b.start, tz), (perDay.get(localDate(b.start, tz)) ?? 0) + 1);
  const holidays = new Set(s.holidays);

  const slots: Interval[] = [];
  const last = localDate(to, tz);
  for (let date = localDate(from, tz); date <= last; date = addDays(date, 1)) {
    if (holidays.has(date) || (perDay.get(date) ?? 0) >= s.max_per_day) continue;
    const windows = s.working_hours[WEEKDAYS[weekdayOf(date)] as Weekday] ?? [];
    for (const [open, close] of windows) {
      const windowStart = wallTimeToUtc(date, open, tz);
      const windowEnd = close === '24:00' ? wallTimeToUtc(addDays(date, 1), '00:00', tz) : wallTimeToUtc(date, close, tz);
      for (let start = windowStart; start + slotMs <= windowEnd; start += slotMs) {
        if (start < from || start >= to || start < earliest) continue;
        const slot = { start, end: start + slotMs };
        const padded = { start: start - before, end: slot.end + after };
        if (blocked.some((b) => overlaps(padded, b)) || bookedWithBuffers.some((b) => overlaps(slot, b))) continue;
        slots.push(slot);
      }
    }
  }
  return slots.sort((a, b) => a.start - b.start);
}

/** The `count` free slots closest to what the visitor asked for (earlier wins a tie). */
export function nearestSlots(free: Interval[], wanted: number, count = 3): Interval[] {
  return [...free].sort((a, b) => Math.abs(a.start - wanted) - Math.abs(b.start - wanted) || a.start - b.start).slice(0, count);
}

/** Several hosts' slots as one list: one entry per start time, in order. */
export function unionSlots(lists: Interval[][]): Interval[] {
  const byStart = new Map<number, Interval>();
  for (const list of lists) for (const slot of list) if (!byStart.has(slot.start)) byStart.set(slot.start, slot);
  return [...byStart.values()].sort((a, b) => a.start - b.start);
}

export interface VisitorSlot {
  start: string;
  end: string;
  local_start: string;
  local_end: string;
}

/** A slot as the visitor sees it: UTC instants plus the same instants on their own clock. */
export function inVisitorZone(slot: Interval, tz: string): VisitorSlot {
  return {
    start: new Date(slot.start).toISOString(),
    end: new Date(slot.end).toISOString(),
    local_start: formatInZone(slot.start, tz),
    local_end: formatInZone(slot.end, tz),
  };
}
