// `npm run bench`: how fast Leadgate accepts leads, and whether the background keeps up, in one run.
//
// 1. The floor (GET /healthz: the same worker doing nothing) and the lead path (POST /api/v1/leads:
//    validation, the Turnstile twin, both Durable Object limiters, the queue send), in alternating rounds,
//    measured at the user worker's own workerd socket — not through `wrangler dev`'s proxy, which by
//    itself halves a bare worker. The floor is measured only while the queues are idle.
// 2. A burst: BENCH_BURST (10,000) new visitors posted as fast as they are accepted; then the run waits
//    until every lead is in Postgres with its deliveries delivered (capture mode), and counts.
// Absolute numbers depend on the machine (everything shares its cores); compare the ratios.

import { rm } from 'node:fs/promises';
import autocannon from 'autocannon';
import pg from 'pg';
import { runtimeOrigin } from './local/runtime-origin.mjs';
import { ROOT, startStack } from './local/stack.mjs';

const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const BURST = Number(process.env.BENCH_BURST ?? 10_000);
const DRAIN_TIMEOUT_S = Number(process.env.BENCH_DRAIN_TIMEOUT ?? 180);
const PORT = 8799;
const dataDir = `${ROOT}/.data/bench`;
const DOMAIN = `bench-${process.pid}.example.com`;

await rm(dataDir, { recursive: true, force: true });
const stack = await startStack({ port: PORT, pgPort: 54339, bridgePort: 54340, dataDir, quiet: true, log: () => {} });
const db = new pg.Client({ connectionString: stack.databaseUrl });
await db.connect();

let n = 0;
const lead = () => {
  const i = n++;
  return {
    headers: { 'content-type': 'application/json', 'cf-connecting-ip': `198.${18 + ((i >> 16) & 1)}.${(i >> 8) & 255}.${i & 255}` },
    body: JSON.stringify({
      email: `b${i}@${DOMAIN}`,
      name: 'Bench Mark',
      company: 'Bench Corp',
      source: 'pricing',
      plan: 'growth',
      consent: { marketing: false },
      turnstile_token: 'XXXX.DUMMY.TOKEN.XXXX',
    }),
  };
};
const leadRequest = { method: 'POST', path: '/api/v1/leads', setupRequest: (req) => ({ ...req, ...lead() }) };
// The same request with the honeypot filled: validated and answered 202 like a person, but no limiter,
// no queue. The difference to the full request is what the two limiter calls and the queue send cost.
const honeypotRequest = {
  method: 'POST',
  path: '/api/v1/leads',
  setupRequest: (req) => {
    const l = lead();
    return { ...req, headers: l.headers, body: l.body.replace('"turnstile_token"', '"website":"spam","turnstile_token"') };
  },
};

function load(origin, opts) {
  return new Promise((resolve, reject) => {
    autocannon({ url: origin, connections: CONNECTIONS, ...opts }, (err, result) => (err ? reject(err) : resolve(result)));
  });
}

/** What Postgres holds of this run's leads, in one query. */
async function counts() {
  const { rows } = await db.query(
    `SELECT (SELECT count(*) FROM leads WHERE email_normalized LIKE $1)::int AS leads,
            (SELECT count(*) FROM lead_events e JOIN leads l ON l.id = e.lead_id WHERE l.email_normalized LIKE $1)::int AS history,
            (SELECT count(*) FROM deliveries d JOIN leads l ON l.id = d.lead_id WHERE l.email_normalized LIKE $1)::int AS deliveries,
            (SELECT count(*) FROM deliveries d JOIN leads l ON l.id = d.lead_id WHERE l.email_normalized LIKE $1 AND d.status = 'delivered')::int AS delivered,
            (SELECT count(*) FROM delivery_attempts a JOIN deliveries d ON d.id = a.delivery_id JOIN leads l ON l.id = d.lead_id
              WHERE l.email_normalized LIKE $1 AND a.outcome = 'delivered')::int AS sends`,
    [`%@${DOMAIN}`],
  );
  return rows[0];
}

/**
 * Waits until the queues are idle for this run: every lead accepted so far stored, every delivery
 * delivered, and nothing changing for a second (a load stopped by time leaves requests in flight).
 */
async function idle(accepted, timeoutMs = DRAIN_TIMEOUT_S * 1000) {
  const deadline = Date.now() + timeoutMs;
  let last = '';
  let steadySince = Date.now();
  for (;;) {
    const c = await counts();
    const now = Date.now();
    if (JSON.stringify(c) !== last) steadySince = now;
    last = JSON.stringify(c);
    if (c.leads >= accepted && c.delivered >= c.deliveries && c.deliveries >= 2 * c.leads && now - steadySince >= 1000) return c;
    if (now > deadline) return c;
    await new Promise((r) => setTimeout(r, 200));
  }
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const summary = (title, rs) => ({
  title,
  rps: mean(rs.map((r) => r.requests.average)),
  p50: mean(rs.map((r) => r.latency.p50)),
  p99: mean(rs.map((r) => r.latency.p99)),
  non2xx: rs.reduce((a, r) => a + r.non2xx, 0),
  errors: rs.reduce((a, r) => a + r.errors, 0),
});

try {
  const origin = await runtimeOrigin(PORT);
  let accepted = 0;
  const warm = await load(origin, { duration: 3, requests: [leadRequest] });
  accepted += warm['2xx'];
  const totals = { floor: [], honeypot: [], leads: [] };
  for (let i = 0; i < ROUNDS; i++) {
    await idle(accepted);
    totals.floor.push(await load(origin, { duration: DURATION, requests: [{ method: 'GET', path: '/healthz' }] }));
    totals.honeypot.push(await load(origin, { duration: DURATION, requests: [honeypotRequest] }));
    const round = await load(origin, { duration: DURATION, requests: [leadRequest] });
    accepted += round['2xx'];
    totals.leads.push(round);
  }
  const before = await idle(accepted);

  // The burst: every request a new visitor, as fast as they are accepted.
  const burstStart = Date.now();
  const burst = await load(origin, { amount: BURST, requests: [leadRequest] });
  const lastAccepted = Date.now();
  const acceptedInBurst = burst['2xx'];
  accepted += acceptedInBurst;
  let storedAt = null;
  let deliveredAt = null;
  let after;
  const deadline = Date.now() + DRAIN_TIMEOUT_S * 1000;
  for (;;) {
    after = await counts();
    const now = Date.now();
    if (!storedAt && after.leads >= accepted) storedAt = now;
    if (storedAt && !deliveredAt && after.deliveries >= 2 * after.leads && after.delivered >= after.deliveries) deliveredAt = now;
    if ((storedAt && deliveredAt) || now > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }

  const floor = summary('GET /healthz (floor)', totals.floor);
  const honeypot = summary('  validated, no I/O', totals.honeypot);
  const leads = summary('POST /api/v1/leads', totals.leads);
  const row = (s) =>
    `${s.title.padEnd(24)} ${String(Math.round(s.rps)).padStart(8)} ${s.p50.toFixed(0).padStart(8)} ${s.p99.toFixed(0).padStart(8)} ${String(s.non2xx).padStart(8)} ${String(s.errors).padStart(7)}`;
  console.log(
    `\n${ROUNDS} rounds × ${DURATION}s per route (alternating), ${CONNECTIONS} connections, at the worker's own workerd socket (${origin}), not the wrangler dev proxy\n`,
  );
  console.log(`${'route'.padEnd(24)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(8)} ${'errors'.padStart(7)}`);
  console.log(row(floor));
  console.log(row(honeypot));
  console.log(row(leads));

  const burstStored = after.leads - before.leads;
  const burstDeliveries = after.delivered - before.delivered;
  const acceptSeconds = (lastAccepted - burstStart) / 1000;
  const storeSeconds = ((storedAt ?? Date.now()) - burstStart) / 1000;
  const deliverSeconds = ((deliveredAt ?? Date.now()) - burstStart) / 1000;
  const acceptRate = acceptedInBurst / acceptSeconds;
  const drainRate = burstStored / storeSeconds;
  console.log(`\nburst: ${BURST} new visitors, ${CONNECTIONS} connections`);
  console.log(
    `  accepted ${acceptedInBurst} (non-2xx ${burst.non2xx}, errors ${burst.errors}) in ${acceptSeconds.toFixed(1)} s: ${acceptRate.toFixed(0)} leads/s`,
  );
  console.log(`  stored ${burstStored} leads in ${storeSeconds.toFixed(1)} s from the first request: ${drainRate.toFixed(0)} leads/s`);
  console.log(`  delivered ${burstDeliveries} deliveries in ${deliverSeconds.toFixed(1)} s: ${(burstDeliveries / deliverSeconds).toFixed(0)} deliveries/s`);
  console.log(
    `  drain time after the last 202: stored +${(((storedAt ?? Date.now()) - lastAccepted) / 1000).toFixed(1)} s, delivered +${(((deliveredAt ?? Date.now()) - lastAccepted) / 1000).toFixed(1)} s${deliveredAt ? '' : ' (timed out)'}`,
  );
  console.log(`  duplicated: ${after.history - after.leads} history entries, ${after.sends - after.delivered} sends`);
  console.log(`  lost: ${acceptedInBurst - burstStored}`);
  console.log(`keep-up: ${(drainRate / acceptRate).toFixed(2)}`);
  console.log(`p99 lead ÷ floor: ${(leads.p99 / floor.p99).toFixed(2)}`);
  console.log(`ratio: ${(leads.rps / floor.rps).toFixed(2)}`);
} finally {
  await db.end();
  await stack.stop();
}
