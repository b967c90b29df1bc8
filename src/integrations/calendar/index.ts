import { type Config, providerIsLive } from '../../config';
import type { DemoHost } from '../../domain/demo-hosts';
import { GoogleCalendar } from './google';
import { ScheduleOnlyCalendar } from './schedule-only';
import type { HostCalendar } from './types';

export type { CalendarEvent, HostCalendar } from './types';

/** Google when the host has a calendar id and a token is configured (and calls are live); else the schedule. */
export function calendarFor(host: DemoHost, config: Pick<Config, 'calendar' | 'delivery'>): HostCalendar {
  const { google } = config.calendar;
  if (host.google_calendar_id && google.accessToken && providerIsLive(config.delivery, 'google_calendar')) {
    return new GoogleCalendar(host.google_calendar_id, { accessToken: google.accessToken, apiUrl: google.apiUrl, timeoutMs: config.delivery.timeoutMs });
  }
  return new ScheduleOnlyCalendar();
}
