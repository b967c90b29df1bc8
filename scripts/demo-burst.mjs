// Fires N concurrent bookings of ONE demo slot at a running Leadgate (`npm run dev`) and counts the answers.
// Exactly one must be 201; the rest 409 with the nearest free slots.
//
//   node scripts/demo-burst.mjs                      # 50 requests, first free slot, http://127.0.0.1:8787
//   node scripts/demo-burst.mjs --n 200 --url http://127.0.0.1:8787 --start 2026-12-01T09:00:00.000Z
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    url: { type: 'string', default: 'http://127.0.0.1:8787' },
    n: { type: 'string', default: '50' },
    start: { type: 'string' },
    tz: { type: 'string', default: 'Europe/London' },
  },
});
const base = values.url.replace(/\/$/, '');
const n = Number(values.n);

let start = values.start;
if (!start) {
  const res = await fetch(`${base}/api/v1/demo/availability?tz=${encodeURIComponent(values.tz)}`);
  if (!res.ok) throw new Error(`availability answered ${res.status}: ${await res.text()}`);
  const { slots } = await res.json();
  if (!slots.length) throw new Error('no free slot in the next 14 days');
  // The last slot listed: the least likely to have been taken by earlier runs.
  start = slots[slots.length - 1].start;
}
console.log(`Booking ${start} ${n} times at once…`);

const run = Date.now().toString(36);
const attempt = (i) =>
  fetch(`${base}/api/v1/demo-request`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      // A distinct client address per request, so the per-network limit does not hide the race.
      'cf-connecting-ip': `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    },
    body: JSON.stringify({
      email: `burst-${run}-${i}@example.com`,
      name: `Burst ${i}`,
      company: 'Burst Test',
      start,
      time_zone: values.tz,
      turnstile_token: 'XXXX.DUMMY.TOKEN.XXXX',
    }),
  }).then(async (res) => ({ status: res.status, body: await res.json().catch(() => ({})) }));

const started = performance.now();
const answers = await Promise.all(Array.from({ length: n }, (_, i) => attempt(i)));
const ms = Math.round(performance.now() - started);

const byStatus = {};
for (const a of answers) byStatus[a.status] = (byStatus[a.status] ?? 0) + 1;
console.log(
  `${n} requests in ${ms} ms:`,
  Object.entries(byStatus)
    .map(([s, c]) => `${c} × ${s}`)
    .join(', '),
);
const winner = answers.find((a) => a.status === 201);
if (winner) console.log(`booked: ${winner.body.booking_id} with ${winner.body.host?.name} at ${winner.body.local_start}`);
const refused = answers.find((a) => a.status === 409);
if (refused) console.log(`a 409 offers: ${refused.body.nearest_slots?.map((s) => s.local_start).join(', ')}`);
process.exitCode = (byStatus[201] ?? 0) === 1 ? 0 : 1;
