import type { Interval } from '../domain/availability';
import type { DemoBooking } from '../domain/demo-booking';
import type { DemoHost } from '../domain/demo-hosts';
import type { DemoEvent } from '../messages/events';

const DAY = 86_400_000;
/** A change's event that is not confirmed sent is retried by the alarm after this long at the latest. */
export const OUTBOX_RETRY_MS = 30_000;

export type CalendarSync = 'save' | 'remove' | null;

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
/** An event waiting in a booking's outbox; its id is derived when it is sent (see `eventIdOf`). */
export type UnsentEvent = WithoutId<DemoEvent>;

export interface BookingRow {
  booking: DemoBooking;
  calendar_sync: CalendarSync;
  calendar_attempts: number;
  reminder_attempts: number;
  pending_attempts: number;
}

interface Raw extends Record<string, SqlStorageValue> {
  data: string;
  calendar_sync: string | null;
  calendar_attempts: number;
  reminder_attempts: number;
  pending_attempts: number;
}

const COLUMNS = 'data, calendar_sync, calendar_attempts, reminder_attempts, pending_attempts';
/** The booking's SEQUENCE, as stored: the alarm's writes only land if the booking did not change meanwhile. */
const SEQUENCE = "json_extract(data, '$.sequence')";

/**
 * The Scheduler's SQLite tables. Every call is synchronous, so a Scheduler method that checks and then
 * writes cannot be interleaved with another request.
 *
 * Each booking row carries its own outbox (`pending_event`: a JSON array of events not yet confirmed
 * queued), written in the same statement as the change it announces.
 */
export class BookingStore {
  constructor(private readonly sql: SqlStorage) {
    sql.exec(`CREATE TABLE IF NOT EXISTS bookings (
      id TEXT PRIMARY KEY,
      start_ms INTEGER NOT NULL,
      end_ms INTEGER NOT NULL,
      status TEXT NOT NULL,
      data TEXT NOT NULL,
      reminder_at INTEGER,
      reminder_sent_at INTEGER,
      reminder_attempts INTEGER NOT NULL DEFAULT 0,
      calendar_sync TEXT,
      calendar_after INTEGER NOT NULL DEFAULT 0,
      calendar_attempts INTEGER NOT NULL DEFAULT 0,
      pending_event TEXT,
      pending_after INTEGER,
      pending_attempts INTEGER NOT NULL DEFAULT 0,
      updated_at INTEGER NOT NULL
    )`);
    // Objects created before the outbox: add its columns in place.
    const have = new Set(
      sql
        .exec<{ name: string }>('PRAGMA table_info(bookings)')
        .toArray()
        .map((c) => c.name),
    );
    const added: Record<string, string> = {
      reminder_attempts: 'INTEGER NOT NULL DEFAULT 0',
      pending_event: 'TEXT',
      pending_after: 'INTEGER',
      pending_attempts: 'INTEGER NOT NULL DEFAULT 0',
    };
    for (const [name, type] of Object.entries(added)) if (!have.has(name)) sql.exec(`ALTER TABLE bookings ADD COLUMN ${name} ${type}`);
    sql.exec('CREATE INDEX IF NOT EXISTS bookings_by_start ON bookings (status, start_ms)');
    sql.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  }

  /** Confirmed demos that still matter for availability (recent ones count toward today's cap). */
  confirmedIntervals(now: number, except?: string): Interval[] {
    return this.sql
      .exec<{ start_ms: number; end_ms: number; id: string }>(
        "SELECT id, start_ms, end_ms FROM bookings WHERE status = 'confirmed' AND end_ms > ?",
        now - 2 * DAY,
      )
      .toArray()
      .filter((r) => r.id !== except)
      .map((r) => ({ start: r.start_ms, end: r.end_ms }));
  }

  upcomingCount(now: number): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM bookings WHERE status = 'confirmed' AND start_ms > ?", now).one().n;
  }

  get(id: string): BookingRow | null {
    const rows = this.sql.exec<Raw>(`SELECT ${COLUMNS} FROM bookings WHERE id = ?`, id).toArray();
    return rows[0] ? toRow(rows[0]) : null;
  }

  list(from: number, includeCancelled: boolean): BookingRow[] {
    const statusFilter = includeCancelled ? '' : "AND status = 'confirmed'";
    return this.sql.exec<Raw>(`SELECT ${COLUMNS} FROM bookings WHERE end_ms > ? ${statusFilter} ORDER BY start_ms`, from).toArray().map(toRow);
  }

  /**
   * A new booking and its event, in one statement. A reminder already due (a demo booked inside the
   * reminder lead time) is marked sent: the invite itself is the reminder.
   */
  insert(b: DemoBooking, reminderAt: number, sync: CalendarSync, now: number, event: UnsentEvent): void {
    this.sql.exec(
      `INSERT INTO bookings (id, start_ms, end_ms, status, data, reminder_at, reminder_sent_at, calendar_sync, pending_event, pending_after, updated_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      b.id,
      Date.parse(b.start),
      Date.parse(b.end),
      b.status,
      JSON.stringify(b),
      reminderAt,
      reminderAt <= now ? now : null,
      sync,
      JSON.stringify([event]),
      Date.now() + OUTBOX_RETRY_MS,
      now,
    );
  }

  /**
   * Saves a changed booking and appends its event to the outbox; a new `reminderAt` re-arms the reminder
   * (null leaves it as it was; one already due is marked sent).
   */
  update(b: DemoBooking, reminderAt: number | null, sync: CalendarSync, now: number, event: UnsentEvent): void {
    this.sql.exec(
      `UPDATE bookings SET start_ms = ?, end_ms = ?, status = ?, data = ?, updated_at = ?,
         calendar_sync = COALESCE(?, calendar_sync), calendar_after = 0, calendar_attempts = 0,
         reminder_at = COALESCE(?, reminder_at),
         reminder_sent_at = CASE WHEN ? IS NULL THEN reminder_sent_at WHEN ? <= ? THEN ? ELSE NULL END,
         reminder_attempts = CASE WHEN ? IS NULL THEN reminder_attempts ELSE 0 END,
         pending_event = json_insert(COALESCE(pending_event, '[]'), '$[#]', json(?)),
         pending_after = COALESCE(pending_after, ?)
       WHERE id = ?`,
      Date.parse(b.start),
      Date.parse(b.end),
      b.status,
      JSON.stringify(b),
      now,
      sync,
      reminderAt,
      reminderAt,
      reminderAt,
      now,
      now,
      reminderAt,
      JSON.stringify(event),
      Date.now() + OUTBOX_RETRY_MS,
      b.id,
    );
  }

  /** The booking's unsent events, and their stored text (to clear exactly what was sent). */
  pending(id: string): { raw: string; events: UnsentEvent[]; attempts: number } | null {
    const row = this.sql
      .exec<{ pending_event: string | null; pending_attempts: number }>('SELECT pending_event, pending_attempts FROM bookings WHERE id = ?', id)
      .toArray()[0];
    if (!row?.pending_event) return null;
    return { raw: row.pending_event, events: JSON.parse(row.pending_event) as UnsentEvent[], attempts: row.pending_attempts };
  }

  /** Clears the outbox if it still holds what was sent (an event appended meanwhile stays for the next send). */
  pendingSent(id: string, raw: string): void {
    this.sql.exec('UPDATE bookings SET pending_event = NULL, pending_after = NULL, pending_attempts = 0 WHERE id = ? AND pending_event = ?', id, raw);
  }

  pendingFailed(id: string, retryAt: number): void {
    this.sql.exec('UPDATE bookings SET pending_after = ?, pending_attempts = pending_attempts + 1 WHERE id = ? AND pending_event IS NOT NULL', retryAt, id);
  }

  duePending(now: number): string[] {
    return this.sql
      .exec<{ id: string }>('SELECT id FROM bookings WHERE pending_event IS NOT NULL AND pending_after <= ?', now)
      .toArray()
      .map((r) => r.id);
  }

  dueReminders(now: number): BookingRow[] {
    return this.sql
      .exec<Raw>(`SELECT ${COLUMNS} FROM bookings WHERE status = 'confirmed' AND reminder_sent_at IS NULL AND reminder_at <= ? AND start_ms > ?`, now, now)
      .toArray()
      .map(toRow);
  }

  /** Marks the reminder of this SEQUENCE sent; a booking moved or cancelled meanwhile keeps its own state. */
  reminderSent(id: string, sequence: number, now: number): void {
    this.sql.exec(`UPDATE bookings SET reminder_sent_at = ?, reminder_attempts = 0 WHERE id = ? AND ${SEQUENCE} = ?`, now, id, sequence);
  }

  reminderFailed(id: string, sequence: number, retryAt: number): void {
    this.sql.exec(
      `UPDATE bookings SET reminder_at = ?, reminder_attempts = reminder_attempts + 1 WHERE id = ? AND ${SEQUENCE} = ? AND reminder_sent_at IS NULL`,
      retryAt,
      id,
      sequence,
    );
  }

  dueCalendarWrites(now: number): BookingRow[] {
    return this.sql.exec<Raw>(`SELECT ${COLUMNS} FROM bookings WHERE calendar_sync IS NOT NULL AND calendar_after <= ?`, now).toArray().map(toRow);
  }

  /** The write of this SEQUENCE is done; a change made meanwhile keeps its own pending write. */
  calendarWritten(id: string, sequence: number): void {
    this.sql.exec(`UPDATE bookings SET calendar_sync = NULL, calendar_attempts = 0 WHERE id = ? AND ${SEQUENCE} = ?`, id, sequence);
  }

  calendarWriteFailed(id: string, sequence: number, retryAt: number): void {
    this.sql.exec(`UPDATE bookings SET calendar_after = ?, calendar_attempts = calendar_attempts + 1 WHERE id = ? AND ${SEQUENCE} = ?`, retryAt, id, sequence);
  }

  /** When the alarm must next run: the earliest unsent reminder of an upcoming demo, pending calendar write or unsent event. */
  nextDue(): number | null {
    const row = this.sql
      .exec<{ at: number | null }>(
        `SELECT MIN(at) AS at FROM (
           SELECT reminder_at AS at FROM bookings WHERE status = 'confirmed' AND reminder_sent_at IS NULL AND reminder_at IS NOT NULL AND start_ms > strftime('%s','now') * 1000
           UNION ALL SELECT calendar_after AS at FROM bookings WHERE calendar_sync IS NOT NULL
           UNION ALL SELECT pending_after AS at FROM bookings WHERE pending_event IS NOT NULL)`,
      )
      .one();
    return row.at ?? null;
  }

  saveHost(host: DemoHost): void {
    this.sql.exec('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value', 'host', JSON.stringify(host));
  }

  host(): DemoHost | null {
    const rows = this.sql.exec<{ value: string }>("SELECT value FROM meta WHERE key = 'host'").toArray();
    return rows[0] ? (JSON.parse(rows[0].value) as DemoHost) : null;
  }
}

function toRow(r: Raw): BookingRow {
  return {
    booking: JSON.parse(r.data) as DemoBooking,
    calendar_sync: r.calendar_sync as CalendarSync,
    calendar_attempts: r.calendar_attempts,
    reminder_attempts: r.reminder_attempts,
    pending_attempts: r.pending_attempts,
  };
}
