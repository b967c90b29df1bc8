import { HttpResponse, http } from 'msw';
import { addDays, localDate, wallTimeToUtc, weekdayOf } from '../../src/domain/zoned-time';
import { postJson, uniqueEmail } from '../support/api';
import { SITEVERIFY_URL } from '../support/msw';

/** Siteverify answering for the demo form's widget action. */
export const demoSiteverify = http.post(SITEVERIFY_URL, () =>
  HttpResponse.json({
    success: true,
    challenge_ts: new Date().toISOString(),
    hostname: 'www.example.com',
    'error-codes': [],
    action: 'demo_request',
    cdata: '',
  }),
);

/**
 * A slot start (UTC ms) at `time` Berlin wall time on the `n`-th weekday counted from two days ahead, so
 * each test can own its day. Berlin 09:00–13:30 is outside New York's 09:00–17:00: such a slot belongs
 * to the Berlin host only.
 */
export function berlinSlot(n: number, time: string): number {
  let date = addDays(localDate(Date.now(), 'Europe/Berlin'), 2);
  for (let seen = -1; ; date = addDays(date, 1)) {
    if (weekdayOf(date) !== 0 && weekdayOf(date) !== 6) seen++;
    if (seen === n) break;
  }
  return wallTimeToUtc(date, time, 'Europe/Berlin');
}

export function demoRequest(start: number, over: Record<string, unknown> = {}) {
  return {
    email: uniqueEmail('demo'),
    name: 'Jane Doe',
    company: 'Acme',
    start: new Date(start).toISOString(),
    time_zone: 'America/New_York',
    notes: 'Pipeline reviews',
    turnstile_token: 'XXXX.DUMMY.TOKEN.XXXX',
    ...over,
  };
}

export async function book(start: number, over: Record<string, unknown> = {}) {
  const res = await postJson('/api/v1/demo-request', demoRequest(start, over));
  return { res, body: (await res.json()) as any };
}

/** The path and query of a link the API gave out (the test worker is reached by path). */
export const pathOf = (url: string) => {
  const u = new URL(url);
  return `${u.pathname}${u.search}`;
};

/** Unfolds RFC 5545 lines and returns name → value (parameters dropped), first occurrence wins. */
export function parseIcs(text: string): Record<string, string> {
  const unfolded = text.replace(/\r?\n[ \t]/g, '');
  const fields: Record<string, string> = {};
  for (const line of unfolded.split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const name = line.slice(0, colon).split(';')[0]!;
    if (!(name in fields)) fields[name] = line.slice(colon + 1);
  }
  return fields;
}

/** Lets the queue consumers finish this file's background work while the provider mocks are still up. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 4000));
