import type { Config } from '../../config';
import type { DemoHost } from '../../domain/demo-hosts';
import { GoogleCalendar } from './google';
import { ScheduleOnlyCalendar } from './schedule-only';
import type { HostCalendar } from './types';

export type { CalendarEvent, HostCalendar } from './types';

type CalendarConfig = Pick<Config, 'GOOGLE_CALENDAR_ACCESS_TOKEN' | 'GOOGLE_CALENDAR_API_URL' | 'PROVIDER_MODE' | 'LIVE_PROVIDERS' | 'DELIVERY_TIMEOUT_MS'>;

/** Google when the host has a calendar id and a token is configured (and calls are live); else the schedule. */
export function calendarFor(host: DemoHost, config: CalendarConfig): HostCalendar {
  const live = config.PROVIDER_MODE === 'live' || config.LIVE_PROVIDERS.includes('google_calendar');
  if (host.google_calendar_id && config.GOOGLE_CALENDAR_ACCESS_TOKEN && live) {
    return new GoogleCalendar(host.google_calendar_id, config);
  }
  return new ScheduleOnlyCalendar();
}
