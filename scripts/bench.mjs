// `npm run bench`: starts the local stack, loads POST /api/v1/leads and a trivial route of the same
// worker (GET /healthz, the floor) in one run, and prints req/s and latency side by side. Absolute numbers
// depend on the machine; the ratio is what to compare.
import autocannon from 'autocannon';
import { rm } from 'node:fs/promises';
import { ROOT, startStack } from './local/stack.mjs';

const DURATION = Number(process.env.BENCH_SECONDS ?? 10);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS ?? 20);
const PORT = 8799;
const dataDir = `${ROOT}/.data/bench`;

await rm(dataDir, { recursive: true, force: true });
// Limits raised so that the benchmark measures the work of a submission, not 429s. The path is otherwise
// the production one: validation, Turnstile (local twin), both Durable Object limiters, the queue.
const stack = await startStack({
  port: PORT,
  pgPort: 54339,
  bridgePort: 54340,
  dataDir,
  quiet: true,
  log: () => {},
  vars: { LEAD_LIMIT_PER_IP: '100000000', LEAD_LIMIT_PER_EMAIL: '100000000' },
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
  const floor = await run('GET /healthz (floor)', { requests: [{ method: 'GET', path: '/healthz' }] });
  const leads = await run('POST /api/v1/leads', { requests: [leadRequest] });

  const row = ({ title, result: r }) =>
    `${title.padEnd(24)} ${String(Math.round(r.requests.average)).padStart(8)} ${String(r.latency.p50).padStart(8)} ${String(r.latency.p99).padStart(8)} ${String(r.non2xx).padStart(8)} ${String(r.errors).padStart(7)}`;
  console.log(`\n${DURATION}s per route, ${CONNECTIONS} connections, wrangler dev (workerd) on this machine\n`);
  console.log(`${'route'.padEnd(24)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'non-2xx'.padStart(8)} ${'errors'.padStart(7)}`);
  console.log(row(floor));
  console.log(row(leads));
  console.log(`ratio: ${(leads.result.requests.average / floor.result.requests.average).toFixed(2)}`);
} finally {
  await stack.stop();
}
