import { describe, expect, it } from 'vitest';
import { freeSlots, inVisitorZone, nearestSlots, type Schedule, unionSlots } from '../../src/domain/availability';
import { hostsByLeastLoad } from '../../src/domain/demo-hosts';
import { formatInZone, wallTimeToUtc } from '../../src/domain/zoned-time';

const weekdays = (windows: [string, string][]) => ({ mon: windows, tue: windows, wed: windows, thu: windows, fri: windows });
const schedule = (over: Partial<Schedule> = {}): Schedule => ({
  time_zone: 'Europe/Berlin',
  working_hours: weekdays([['09:00', '17:00']]),
  slot_minutes: 60,
  buffer_before_minutes: 0,
  buffer_after_minutes: 0,
  min_notice_minutes: 0,
  max_per_day: 20,
  holidays: [],
  ...over,
});
const at = (iso: string) => Date.parse(iso);
const iso = (ms: number) => new Date(ms).toISOString();
const starts = (slots: { start: number }[]) => slots.map((s) => iso(s.start));
const NOW = at('2026-09-01T00:00:00Z');

describe('wall time ↔ UTC', () => {
  it('converts across the EU and US daylight-saving changes', () => {
    expect(iso(wallTimeToUtc('2026-10-23', '09:00', 'Europe/Berlin'))).toBe('2026-10-23T07:00:00.000Z'); // CEST +2
    expect(iso(wallTimeToUtc('2026-10-26', '09:00', 'Europe/Berlin'))).toBe('2026-10-26T08:00:00.000Z'); // CET +1
    expect(iso(wallTimeToUtc('2026-10-30', '09:00', 'America/New_York'))).toBe('2026-10-30T13:00:00.000Z'); // EDT -4
    expect(iso(wallTimeToUtc('2026-11-02', '09:00', 'America/New_York'))).toBe('2026-11-02T14:00:00.000Z'); // EST -5
  });

  it('moves a skipped time forward and takes the earlier of a repeated time', () => {
    expect(iso(wallTimeToUtc('2026-03-29', '02:30', 'Europe/Berlin'))).toBe('2026-03-29T01:30:00.000Z'); // = 03:30 CEST
    expect(iso(wallTimeToUtc('2026-10-25', '02:30', 'Europe/Berlin'))).toBe('2026-10-25T00:30:00.000Z'); // first 02:30 (CEST)
  });

  it('formats an instant with the offset in force then', () => {
    expect(formatInZone(at('2026-10-30T13:00:00Z'), 'America/New_York')).toBe('2026-10-30T09:00:00-04:00');
    expect(formatInZone(at('2026-11-02T14:00:00Z'), 'America/New_York')).toBe('2026-11-02T09:00:00-05:00');
    expect(formatInZone(at('2026-11-02T14:00:00Z'), 'Asia/Kolkata')).toBe('2026-11-02T19:30:00+05:30');
  });
});

describe('freeSlots across DST changes', () => {
  it('keeps a Berlin host at 09:00 local before and after 2026-10-25, seen from New York before and after 2026-11-01', () => {
    const slots = freeSlots({ schedule: schedule(), from: at('2026-10-22T00:00:00Z'), to: at('2026-11-03T00:00:00Z'), now: NOW, busy: [], booked: [] });
    const firstOfDay = new Map<string, number>();
    for (const s of slots) {
      const day = formatInZone(s.start, 'Europe/Berlin').slice(0, 10);
      if (!firstOfDay.has(day)) firstOfDay.set(day, s.start);
    }
    expect([...firstOfDay.keys()]).toEqual(['2026-10-22', '2026-10-23', '2026-10-26', '2026-10-27', '2026-10-28', '2026-10-29', '2026-10-30', '2026-11-02']);
    expect(iso(firstOfDay.get('2026-10-23')!)).toBe('2026-10-23T07:00:00.000Z');
    expect(iso(firstOfDay.get('2026-10-26')!)).toBe('2026-10-26T08:00:00.000Z');
    // The New York visitor: 03:00 EDT on Oct 23, 04:00 EDT on Oct 26 (only Europe changed), 03:00 EST on Nov 2.
    expect(inVisitorZone({ start: firstOfDay.get('2026-10-23')!, end: 0 }, 'America/New_York').local_start).toBe('2026-10-23T03:00:00-04:00');
    expect(inVisitorZone({ start: firstOfDay.get('2026-10-26')!, end: 0 }, 'America/New_York').local_start).toBe('2026-10-26T04:00:00-04:00');
    expect(inVisitorZone({ start: firstOfDay.get('2026-11-02')!, end: 0 }, 'America/New_York').local_start).toBe('2026-11-02T03:00:00-05:00');
    // 8 one-hour slots every working day, whatever the offset.
    expect(slots).toHaveLength(8 * 8);
  });

  it('counts 25 hourly slots on the long night and 23 on the short one', () => {
    const allDay = schedule({ working_hours: { sun: [['00:00', '24:00']] } });
    const long = freeSlots({ schedule: allDay, from: at('2026-10-24T12:00:00Z'), to: at('2026-10-26T00:00:00Z'), now: NOW, busy: [], booked: [] });
    expect(long).toHaveLength(25);
    const short = freeSlots({ schedule: allDay, from: at('2027-03-27T12:00:00Z'), to: at('2027-03-29T00:00:00Z'), now: NOW, busy: [], booked: [] });
    expect(short).toHaveLength(23);
  });

  it("lists a New York host in a Berlin visitor's clock across 2026-11-01", () => {
    const ny = schedule({ time_zone: 'America/New_York', working_hours: weekdays([['09:00', '10:00']]) });
    const slots = freeSlots({ schedule: ny, from: at('2026-10-30T00:00:00Z'), to: at('2026-11-03T00:00:00Z'), now: NOW, busy: [], booked: [] });
    expect(slots.map((s) => inVisitorZone(s, 'Europe/Berlin').local_start)).toEqual(['2026-10-30T14:00:00+01:00', '2026-11-02T15:00:00+01:00']);
  });
});

describe('freeSlots rules', () => {
  const monday = '2026-11-09';
  const berlin = (t: string) => wallTimeToUtc(monday, t, 'Europe/Berlin');
  const day = { from: berlin('00:00'), to: berlin('23:59') };

  it('keeps buffers before and after around anything busy', () => {
    const s = schedule({ slot_minutes: 30, buffer_before_minutes: 15, buffer_after_minutes: 15, working_hours: weekdays([['09:00', '12:00']]) });
    const slots = freeSlots({ schedule: s, ...day, now: NOW, busy: [{ start: berlin('10:00'), end: berlin('10:30') }], booked: [] });
    expect(starts(slots)).toEqual([berlin('09:00'), berlin('11:00'), berlin('11:30')].map(iso));
  });

  it("respects a booked demo's own buffers as well", () => {
    const s = schedule({ slot_minutes: 30, buffer_after_minutes: 15, working_hours: weekdays([['09:00', '12:00']]) });
    const slots = freeSlots({ schedule: s, ...day, now: NOW, busy: [], booked: [{ start: berlin('10:00'), end: berlin('10:30') }] });
    // 09:30 would end at 10:00 and need 15 minutes after; 10:30 starts inside the booking's 15 minutes.
    expect(starts(slots)).toEqual([berlin('09:00'), berlin('11:00'), berlin('11:30')].map(iso));
  });

  it('offers nothing inside the minimum notice', () => {
    const s = schedule({ slot_minutes: 30, min_notice_minutes: 120 });
    const slots = freeSlots({ schedule: s, ...day, now: berlin('09:10'), busy: [], booked: [] });
    expect(iso(slots[0]!.start)).toBe(iso(berlin('11:30')));
  });

  it('closes a day at max_per_day bookings and skips holidays', () => {
    const s = schedule({ max_per_day: 2, holidays: ['2026-11-11'] });
    const booked = [
      { start: berlin('09:00'), end: berlin('10:00') },
      { start: berlin('14:00'), end: berlin('15:00') },
    ];
    const week = freeSlots({ schedule: s, from: berlin('00:00'), to: berlin('00:00') + 3 * 86_400_000, now: NOW, busy: [], booked });
    const days = new Set(week.map((x) => formatInZone(x.start, 'Europe/Berlin').slice(0, 10)));
    expect([...days]).toEqual(['2026-11-10']); // Monday full, Wednesday a holiday
    const oneBooked = freeSlots({ schedule: s, ...day, now: NOW, busy: [], booked: booked.slice(0, 1) });
    expect(oneBooked).toHaveLength(7);
    expect(starts(oneBooked)).not.toContain(iso(berlin('09:00')));
  });

  it('finds the nearest free slots and unions hosts', () => {
    const slots = [9, 10, 11, 14, 15].map((h) => ({ start: berlin(`${h}:00`), end: berlin(`${h}:00`) + 3_600_000 }));
    expect(starts(nearestSlots(slots, berlin('12:00')))).toEqual([berlin('11:00'), berlin('10:00'), berlin('14:00')].map(iso));
    expect(unionSlots([slots.slice(0, 2), slots.slice(1, 3)])).toHaveLength(3);
  });

  it('gives the next demo to the least loaded host, ties in configured order', () => {
    const hosts = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    expect(hostsByLeastLoad(hosts, { a: 3, b: 1, c: 1 }).map((h) => h.id)).toEqual(['b', 'c', 'a']);
    expect(hostsByLeastLoad(hosts, {}).map((h) => h.id)).toEqual(['a', 'b', 'c']);
  });
});
