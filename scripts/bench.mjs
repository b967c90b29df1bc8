// `npm run bench`: starts the local stack, loads POST /api/v1/leads and a trivial route of the same
// worker (GET /healthz, the floor) in one run, and prints req/s and latency side by side. Absolute numbers
// depend on the machine; the ratio is what to compare.

import { rm } from 'node:fs/promises';
import autocannon from 'autocannon';
import { ROOT, startStack } from './local/stack.mjs';

const DURATION = Number(process.env.BENCH_SECONDS ?? 5);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const PORT = 8799;
const dataDir = `${ROOT}/.data/bench`;

await rm(dataDir, { recursive: true, force: true });
// A campaign spike: every submission is a new visitor (a new email, an address in 198.18.0.0/15, the
// range set aside for benchmarks), so the default limits apply and nothing is refused. The path is the
// production one: validation, Turnstile (local twin), both Durable Object limiters, the queue.
const stack = await startStack({
  port: PORT,
  pgPort: 54339,
  bridgePort: 54340,
  dataDir,
  quiet: true,
  log: () => {},
});

function run(title, opts) {
  return new Promise((resolve, reject) => {
    autocannon({ url: stack.origin, connections: CONNECTIONS, duration: DURATION, ...opts }, (err, result) => (err ? reject(err) : resolve({ title, result })));
  });
}

let n = 0;
const leadRequest = {
  method: 'POST',
  path: '/api/v1/leads',
  headers: { 'content-type': 'application/json' },
  setupRequest: (req) => ({
    ...req,
    headers: { ...req.headers, 'cf-connecting-ip': `198.${18 + ((n >> 16) & 1)}.${(n >> 8) & 255}.${n & 255}` },
    body: JSON.stringify({
      email: `bench-${process.pid}-${n++}@bench-corp.com`,
      name: 'Bench Mark',
      company: 'Bench Corp',
      source: 'pricing',
      plan: 'growth',
      consent: { marketing: false },
      turnstile_token: 'XXXX.DUMMY.TOKEN.XXXX',
    }),
  }),
};

try {
  await run('warm-up', { duration: 3, requests: [leadRequest] });
  // The routes take turns, round after round, so that a busy moment of the machine hits both alike.
  const totals = { floor: [], leads: [] };
  for (let i = 0; i < ROUNDS; i++) {
    totals.floor.push((await run('floor', { requests: [{ method: 'GET', path: '/healthz' }] })).result);
    totals.leads.push((await run('leads', { requests: [leadRequest] })).result);
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
  const floor = summary('GET /healthz (floor)', totals.floor);
  const leads = summary('POST /api/v1/leads', totals.leads);

  const row = (s) =>
    `${s.title.padEnd(24)} ${String(Math.round(s.rps)).padStart(8)} ${s.p50.toFixed(0).padStart(8)} ${s.p99.toFixed(0).padStart(8)} ${String(s.non2xx).padStart(8)} ${String(s.errors).padStart(7)}`;
  console.log(`\n${ROUNDS} rounds × ${DURATION}s per route (alternating), ${CONNECTIONS} connections, wrangler dev (workerd) on this machine\n`);
  console.log(`${'route'.padEnd(24)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(8)} ${'errors'.padStart(7)}`);
  console.log(row(floor));
  console.log(row(leads));
  console.log(`ratio: ${(leads.rps / floor.rps).toFixed(2)}`);
} finally {
  await stack.stop();
}
