import type { HostCalendar } from './types';

/** A host with only the configured schedule: nothing is busy beyond their demos, nothing to write. */
export class ScheduleOnlyCalendar implements HostCalendar {
  readonly kind = 'schedule' as const;
  async busy() {
    return [];
  }
  async saveEvent() {}
  async removeEvent() {}
}
