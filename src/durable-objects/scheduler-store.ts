import type { Interval } from '../domain/availability';
import type { DemoBooking } from '../domain/demo-booking';
import type { DemoHost } from '../domain/demo-hosts';

const DAY = 86_400_000;

export type CalendarSync = 'save' | 'remove' | null;

export interface BookingRow {
  booking: DemoBooking;
  calendar_sync: CalendarSync;
  calendar_attempts: number;
}

interface Raw extends Record<string, SqlStorageValue> {
  data: string;
  calendar_sync: string | null;
  calendar_attempts: number;
}

/**
 * The Scheduler's SQLite tables. Every call is synchronous, so a Scheduler method that checks and then
 * writes cannot be interleaved with another request.
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
      calendar_sync TEXT,
      calendar_after INTEGER NOT NULL DEFAULT 0,
      calendar_attempts INTEGER NOT NULL DEFAULT 0,
      updated_at INTEGER NOT NULL
    )`);
    sql.exec('CREATE INDEX IF NOT EXISTS bookings_by_start ON bookings (status, start_ms)');
    sql.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  }

  /** Confirmed demos that still matter for availability (recent ones count toward today's cap). */
  confirmedIntervals(now: number, except?: string): Interval[] {
    return this.sql
      .exec<{ start_ms: number; end_ms: number; id: string }>("SELECT id, start_ms, end_ms FROM bookings WHERE status = 'confirmed' AND end_ms > ?", now - 2 * DAY)
      .toArray()
      .filter((r) => r.id !== except)
      .map((r) => ({ start: r.start_ms, end: r.end_ms }));
  }

  upcomingCount(now: number): number {
    return this.sql.exec<{ n: number }>("SELECT COUNT(*) AS n FROM bookings WHERE status = 'confirmed' AND start_ms > ?", now).one().n;
  }

  get(id: string): BookingRow | null {
    const rows = this.sql.exec<Raw>('SELECT data, calendar_sync, calendar_attempts FROM bookings WHERE id = ?', id).toArray();
    return rows[0] ? toRow(rows[0]) : null;
  }

  list(from: number, includeCancelled: boolean): BookingRow[] {
    const statusFilter = includeCancelled ? '' : "AND status = 'confirmed'";
    return this.sql.exec<Raw>(`SELECT data, calendar_sync, calendar_attempts FROM bookings WHERE end_ms > ? ${statusFilter} ORDER BY start_ms`, from).toArray().map(toRow);
  }

  insert(b: DemoBooking, reminderAt: number, sync: CalendarSync, now: number): void {
    this.sql.exec(
      'INSERT INTO bookings (id, start_ms, end_ms, status, data, reminder_at, calendar_sync, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
      b.id, Date.parse(b.start), Date.parse(b.end), b.status, JSON.stringify(b), reminderAt, sync, now,
    );
  }

  /** Saves a changed booking; a new `reminderAt` re-arms the reminder (null leaves it as it was). */
  update(b: DemoBooking, reminderAt: number | null, sync: CalendarSync, now: number): void {
    this.sql.exec(
      `UPDATE bookings SET start_ms = ?, end_ms = ?, status = ?, data = ?, updated_at = ?,
         calendar_sync = COALESCE(?, calendar_sync), calendar_after = 0, calendar_attempts = 0,
         reminder_at = COALESCE(?, reminder_at), reminder_sent_at = CASE WHEN ? IS NULL THEN reminder_sent_at ELSE NULL END
       WHERE id = ?`,
      Date.parse(b.start), Date.parse(b.end), b.status, JSON.stringify(b), now, sync, reminderAt, reminderAt, b.id,
    );
  }

  remove(id: string): void {
    this.sql.exec('DELETE FROM bookings WHERE id = ?', id);
  }

  dueReminders(now: number): BookingRow[] {
    return this.sql
      .exec<Raw>("SELECT data, calendar_sync, calendar_attempts FROM bookings WHERE status = 'confirmed' AND reminder_sent_at IS NULL AND reminder_at <= ? AND start_ms > ?", now, now)
      .toArray()
      .map(toRow);
  }

  reminderSent(id: string, now: number): void {
    this.sql.exec('UPDATE bookings SET reminder_sent_at = ? WHERE id = ?', now, id);
  }

  dueCalendarWrites(now: number): BookingRow[] {
    return this.sql.exec<Raw>('SELECT data, calendar_sync, calendar_attempts FROM bookings WHERE calendar_sync IS NOT NULL AND calendar_after <= ?', now).toArray().map(toRow);
  }

  calendarWritten(id: string): void {
    this.sql.exec('UPDATE bookings SET calendar_sync = NULL, calendar_attempts = 0 WHERE id = ?', id);
  }

  calendarWriteFailed(id: string, retryAt: number): void {
    this.sql.exec('UPDATE bookings SET calendar_after = ?, calendar_attempts = calendar_attempts + 1 WHERE id = ?', retryAt, id);
  }

  /** When the alarm must next run: the earliest unsent reminder of an upcoming demo or pending calendar write. */
  nextDue(): number | null {
    const row = this.sql
      .exec<{ at: number | null }>(
        `SELECT MIN(at) AS at FROM (
           SELECT reminder_at AS at FROM bookings WHERE status = 'confirmed' AND reminder_sent_at IS NULL AND reminder_at IS NOT NULL AND start_ms > strftime('%s','now') * 1000
           UNION ALL SELECT calendar_after AS at FROM bookings WHERE calendar_sync IS NOT NULL)`,
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
  return { booking: JSON.parse(r.data) as DemoBooking, calendar_sync: r.calendar_sync as CalendarSync, calendar_attempts: r.calendar_attempts };
}
