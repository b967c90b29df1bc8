/**
 * A demo host's week in the tests: 09:00–17:00 on weekdays, 30-minute slots, an hour's notice. Plain
 * data, read both by vitest.config.ts (the suite's DEMO_HOSTS) and by tests that configure a host.
 */
const NINE_TO_FIVE = [['09:00', '17:00']];
export const TEST_HOST = {
  working_hours: { mon: NINE_TO_FIVE, tue: NINE_TO_FIVE, wed: NINE_TO_FIVE, thu: NINE_TO_FIVE, fri: NINE_TO_FIVE },
  slot_minutes: 30,
  buffer_before_minutes: 0,
  buffer_after_minutes: 0,
  min_notice_minutes: 60,
  max_per_day: 8,
  holidays: [],
};
