// `npm run bench:chatbot`: does the chatbot's answer wait for monday.com? (issue 14, Benchmark)
//
// One local stack (embedded Postgres, migrations, wrangler dev on a copy of the Worker taken at start),
// with monday.com live against a mock board served from this process and every other provider in
// capture mode. After a warm-up, runs that differ only in monday's latency, 0 ms and
// --monday-latency-ms (500), in ABBA order (0, 500, 500, 0 for --rounds 2). Each run starts
// --conversations (50) Chatfuel conversations at once, each a distinct visitor (bot user id, email,
// phone, client IP), through every endpoint:
//   booking (every other one): conversation-start (GET) → track → availability → lead → book (one of
//     the offered slots; on slot_taken, once more with one of the nearest free ones it is offered);
//   handoff (the rest): conversation-start (GET) → track → lead → handoff (with a question).
// Each answer is timed at the user worker's own workerd socket (not wrangler dev's proxy). Then the run
// waits until every side effect is settled: the leads stored, every delivery of theirs (and the GA4
// events sent before they were leads) no longer pending, and an item on the mock board for every
// conversation. It prints both latencies side by side: p50/p99 per step and overall (pooled over the
// runs of each), the booking outcomes, the deliveries, the board (items created vs conversations,
// duplicates), and each run's time from its first request until everything was delivered.
// Absolute numbers depend on the machine (workerd runs everything on one thread locally); compare the columns.

import { createHash, randomBytes } from 'node:crypto';
import { cpSync, mkdirSync, readFileSync, symlinkSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { runtimeOrigin } from './local/runtime-origin.mjs';
import { ROOT, readDevVars, startStack } from './local/stack.mjs';

const { values: args } = parseArgs({
  options: {
    conversations: { type: 'string', default: '50' },
    'monday-latency-ms': { type: 'string', default: '500' },
    rounds: { type: 'string', default: '2' },
    'drain-timeout': { type: 'string', default: '90' },
  },
});
const CONVERSATIONS = Number(args.conversations);
const LATENCY_MS = Number(args['monday-latency-ms']);
const ROUNDS = Number(args.rounds);
const DRAIN_TIMEOUT_S = Number(args['drain-timeout']);
if (!(CONVERSATIONS > 0 && LATENCY_MS > 0 && ROUNDS >= 1 && DRAIN_TIMEOUT_S > 0))
  throw new Error('--conversations, --monday-latency-ms, --rounds and --drain-timeout take positive numbers');

// Not bench.mjs's ports (8799, 54339, 54340) nor npm run dev's (8787, 54329, 54330).
const PORT = 8798;
const dataDir = `${ROOT}/.data/bench-chatbot`;
const DOMAIN = `bench-chatbot-${process.pid}.example.com`;
const TOKEN = `bench-${randomBytes(18).toString('base64url')}`;
const STEPS = ['conversation-start', 'track', 'availability', 'lead', 'book', 'handoff'];

// ---------------------------------------------------------------------------------------------------
// The mock monday.com board: GraphQL answered in monday's shapes, after `latency` ms, a replayed
// Idempotency-Key getting the first answer (as monday does). Items are found by their email column.

const board = {
  latency: 0,
  items: new Map(), // id → { id, name, email }
  created: new Map(), // email → items created for it
  requests: { find: 0, create: 0, change: 0, replayed: 0, other: 0 },
  replays: new Map(),
  nextId: 9_000_000_000,
};
const emailOf = (columnValues) => {
  const v = JSON.parse(columnValues ?? '{}').email;
  return (typeof v === 'string' ? v : v?.email)?.toLowerCase();
};
function mondayAnswer(headers, { query = '', variables = {} }) {
  const key = headers['idempotency-key'];
  if (key && board.replays.has(key)) {
    board.requests.replayed++;
    return board.replays.get(key);
  }
  let answer;
  if (query.includes('items_page_by_column_values')) {
    board.requests.find++;
    const items = [...board.items.values()].filter((i) => i.email === String(variables.value).toLowerCase()).map(({ id, name }) => ({ id, name }));
    answer = { data: { items_page_by_column_values: { cursor: null, items } }, account_id: 1 };
  } else if (query.includes('create_item')) {
    board.requests.create++;
    const id = String(board.nextId++);
    const email = emailOf(variables.columnValues);
    board.items.set(id, { id, name: variables.itemName, email });
    board.created.set(email, (board.created.get(email) ?? 0) + 1);
    answer = { data: { create_item: { id } }, account_id: 1 };
  } else if (query.includes('change_multiple_column_values')) {
    board.requests.change++;
    const item = board.items.get(String(variables.itemId));
    answer = item
      ? { data: { change_multiple_column_values: { id: item.id } }, account_id: 1 }
      : { errors: [{ message: 'Item not found', extensions: { code: 'InvalidItemIdException' } }], account_id: 1 };
  } else {
    board.requests.other++;
    answer = { errors: [{ message: 'Unknown query', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] };
  }
  if (key) board.replays.set(key, answer);
  return answer;
}
const monday = createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    const respond = () => {
      let body;
      try {
        body = mondayAnswer(req.headers, JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}'));
      } catch {
        body = { errors: [{ message: 'Bad request', extensions: { code: 'BAD_REQUEST' } }] };
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
    };
    if (board.latency > 0) setTimeout(respond, board.latency);
    else respond();
  });
});
await new Promise((r) => monday.listen(0, '127.0.0.1', r));
const MONDAY_URL = `http://127.0.0.1:${monday.address().port}/v2`;

// ---------------------------------------------------------------------------------------------------
// The stack. The local config (.dev.vars, and .dev.vars.example's values for variables an older
// .dev.vars lacks), then: monday live against the mock, every other provider captured.

const devVars = readDevVars();
const example = {};
for (const line of readFileSync(`${ROOT}/.dev.vars.example`, 'utf8').split('\n')) {
  const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
  if (m && m[2] !== '' && !(m[1] in devVars)) example[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
}
const vars = {
  ...example,
  PROVIDER_MODE: 'capture',
  LIVE_PROVIDERS: 'monday',
  MONDAY_API_URL: MONDAY_URL,
  MONDAY_API_TOKEN: 'bench-monday-token',
  MONDAY_BOARD_ID: '1234567890',
  CHATBOT_TOKENS: TOKEN,
};

await rm(dataDir, { recursive: true, force: true });
// The Worker as it is now, copied: wrangler dev reloads on every change (on a new port, dropping its
// in-memory queues), and edits made in the checkout during the run must not reach the measured worker.
const workerDir = `${dataDir}/worker`;
mkdirSync(workerDir, { recursive: true });
cpSync(`${ROOT}/src`, `${workerDir}/src`, { recursive: true });
for (const f of ['wrangler.toml', 'package.json', 'tsconfig.json', '.dev.vars']) cpSync(`${ROOT}/${f}`, `${workerDir}/${f}`);
symlinkSync(`${ROOT}/node_modules`, `${workerDir}/node_modules`);
// BENCH_VERBOSE=1 shows wrangler's own output (the worker's logs).
const verbose = Boolean(process.env.BENCH_VERBOSE);
const stack = await startStack({
  port: PORT,
  pgPort: 54343,
  bridgePort: 54344,
  dataDir,
  quiet: !verbose,
  log: verbose ? console.log : () => {},
  vars,
  workerDir,
});
const stopAll = async () => {
  await stack.stop();
  monday.close();
};
for (const signal of ['SIGINT', 'SIGTERM']) process.once(signal, () => stopAll().finally(() => process.exit(130)));
const db = new pg.Client({ connectionString: stack.databaseUrl });
await db.connect();

// ---------------------------------------------------------------------------------------------------
// The conversations.

const sha256 = (s) => createHash('sha256').update(s).digest('hex');
const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];

/** One Chatfuel request: GET with the attributes in the query, or POST with them as JSON; timed to the last byte. */
async function bot(origin, sample, step, attributes, { ip, method = 'POST' }) {
  const headers = { 'user-agent': 'Chatfuel', 'x-leadgate-bot-token': TOKEN, 'cf-connecting-ip': ip };
  const url = `${origin}/api/v1/chatbot/chatfuel/${step}`;
  const started = performance.now();
  try {
    const res =
      method === 'GET'
        ? await fetch(`${url}?${new URLSearchParams(attributes).toString().replaceAll('+', '%20')}`, { headers, signal: AbortSignal.timeout(15_000) })
        : await fetch(url, {
            method: 'POST',
            headers: { ...headers, 'content-type': 'application/json' },
            body: JSON.stringify(attributes),
            signal: AbortSignal.timeout(15_000),
          });
    const text = await res.text();
    sample(step, performance.now() - started);
    if (res.status !== 200) return { error: `http_${res.status}` };
    const body = JSON.parse(text);
    return { body, error: body.set_attributes?.leadgate_error ?? 'no_attributes' };
  } catch (err) {
    sample(step, performance.now() - started);
    return { error: err.name === 'TimeoutError' ? 'timeout' : 'network' };
  }
}

const slotsOf = (body) => (body?.messages?.[0]?.quick_replies ?? []).map((q) => q.set_attributes?.meeting_start).filter(Boolean);

/** One visitor, start to end. Returns how it ended; every answer's time goes to `sample`. */
async function conversation(origin, run, i, sample, problems) {
  const variant = i % 2 === 0 ? 'book' : 'handoff';
  const ip = `100.${64 + run}.${(i >> 8) & 255}.${i & 255}`;
  const userId = `${process.pid}${run}${String(i).padStart(5, '0')}`;
  const who = { 'chatfuel user id': userId, 'first name': 'Jan', 'last name': `Testowy ${run}-${i}`, consent_analytics: 'tak' };
  const contact = {
    ...who,
    email: `c${i}-r${run}@${DOMAIN}`,
    phone: `+48 6${String(run).padStart(2, '0')} ${String(i).padStart(6, '0')}`,
    package: pick(['Start', 'Standard', 'Premium']),
    topic: 'Wdrożenie CRM',
    consent_sms: 'tak',
    consent_marketing: 'tak',
  };
  const expect = (step, answer, ...ok) => {
    if (!ok.includes(answer.error)) problems.push(`${step}:${answer.error}`);
    return answer;
  };
  expect('conversation-start', await bot(origin, sample, 'conversation-start', who, { ip, method: 'GET' }), 'ok');
  expect('track', await bot(origin, sample, 'track', { ...who, step: 'pricing_viewed' }, { ip }), 'ok');
  if (variant === 'handoff') {
    expect('lead', await bot(origin, sample, 'lead', contact, { ip }), 'ok');
    const asked = expect(
      'handoff',
      await bot(origin, sample, 'handoff', { ...contact, 'last user freeform input': 'Czy integrujecie się z SAP?' }, { ip }),
      'ok',
    );
    return { userId, email: contact.email, outcome: asked.error === 'ok' ? 'handed_off' : 'failed' };
  }
  const offered = slotsOf(
    expect('availability', await bot(origin, sample, 'availability', { ...who, package: contact.package, timezone: 'Europe/Warsaw' }, { ip }), 'ok').body,
  );
  expect('lead', await bot(origin, sample, 'lead', contact, { ip }), 'ok');
  if (offered.length === 0) return { userId, email: contact.email, outcome: 'no_slots' };
  let slotTaken = 0;
  let slots = offered;
  for (let attempt = 0; attempt < 2 && slots.length > 0; attempt++) {
    const booked = expect('book', await bot(origin, sample, 'book', { ...contact, meeting_start: pick(slots) }, { ip }), 'ok', 'slot_taken');
    if (booked.error === 'ok') return { userId, email: contact.email, outcome: 'booked', slotTaken };
    if (booked.error !== 'slot_taken') return { userId, email: contact.email, outcome: 'failed', slotTaken };
    slotTaken++;
    slots = slotsOf(booked.body); // the nearest free ones
  }
  return { userId, email: contact.email, outcome: 'slot_taken', slotTaken };
}

// ---------------------------------------------------------------------------------------------------
// What Postgres holds of a run: its leads, and every delivery of theirs (plus the GA4 events sent
// before the visitor was a lead, found by the hash of the bot user id the event carries).

async function settled(run, hashes) {
  const { rows } = await db.query(
    `WITH l AS (SELECT id FROM leads WHERE email_normalized LIKE $1),
          d AS (SELECT * FROM deliveries WHERE lead_id IN (SELECT id FROM l)
                UNION ALL SELECT * FROM deliveries WHERE lead_id IS NULL AND destination = 'analytics' AND payload->>'client_id' = ANY($2))
     SELECT (SELECT count(*) FROM l)::int AS leads,
            d.destination, d.status, count(*)::int AS n,
            extract(epoch FROM max(d.updated_at)) * 1000 AS last_ms,
            extract(epoch FROM max(d.delivered_at)) * 1000 AS last_delivered_ms
       FROM d GROUP BY d.destination, d.status`,
    [`%-r${run}@${DOMAIN}`, hashes],
  );
  const leads = rows[0]?.leads ?? (await db.query('SELECT count(*)::int AS n FROM leads WHERE email_normalized LIKE $1', [`%-r${run}@${DOMAIN}`])).rows[0].n;
  const by = {};
  for (const r of rows) {
    by[r.destination] ??= { total: 0 };
    by[r.destination][r.status] = r.n;
    by[r.destination].total += r.n;
  }
  const sum = (status) => rows.filter((r) => r.status === status).reduce((a, r) => a + r.n, 0);
  const lastMs = Math.max(0, ...rows.filter((r) => r.status !== 'pending').map((r) => Number(r.last_ms)));
  return {
    leads,
    by,
    total: sum('delivered') + sum('pending') + sum('failed') + sum('skipped'),
    pending: sum('pending'),
    delivered: sum('delivered'),
    failed: sum('failed'),
    skipped: sum('skipped'),
    lastMs,
  };
}

const percentile = (xs, p) => {
  if (xs.length === 0) return Number.NaN;
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
};

/** One run: every conversation at once, then the wait until all they caused is delivered. */
async function runOnce(origin, run, n, latency) {
  board.latency = latency;
  const samples = new Map(STEPS.map((s) => [s, []]));
  const sample = (step, ms) => samples.get(step).push(ms);
  const problems = [];
  const firstRequest = Date.now();
  const ends = await Promise.all(Array.from({ length: n }, (_, i) => conversation(origin, run, i, sample, problems)));
  const lastAnswer = Date.now();
  const emails = new Set(ends.map((e) => e.email.toLowerCase()));
  const hashes = ends.map((e) => sha256(e.userId));
  const count = (o) => ends.filter((e) => e.outcome === o).length;
  // Each conversation's lead puts one item delivery on the board, its booking or handoff one more.
  const mondayExpected = n + count('booked') + count('handed_off');
  const deadline = Date.now() + DRAIN_TIMEOUT_S * 1000;
  let state;
  let doneAt = null;
  let steady = '';
  let steadySince = Date.now();
  for (;;) {
    state = await settled(run, hashes);
    const onBoard = [...emails].filter((e) => board.created.has(e)).length;
    const fingerprint = JSON.stringify([state.total, state.pending, onBoard]);
    if (fingerprint !== steady) steadySince = Date.now();
    steady = fingerprint;
    const complete = state.leads >= n && (state.by.monday?.total ?? 0) >= mondayExpected && state.pending === 0 && onBoard === emails.size;
    if (complete && Date.now() - steadySince >= 1000) {
      doneAt = state.lastMs;
      break;
    }
    if (Date.now() > deadline) break;
    await new Promise((r) => setTimeout(r, 200));
  }
  const created = [...emails].map((e) => board.created.get(e) ?? 0);
  return {
    latency,
    n,
    samples,
    all: [...samples.values()].flat(),
    problems,
    outcomes: {
      booked: count('booked'),
      bookedOnRetry: ends.filter((e) => e.outcome === 'booked' && e.slotTaken > 0).length,
      slotTakenAnswers: ends.reduce((a, e) => a + (e.slotTaken ?? 0), 0),
      slotTaken: count('slot_taken'),
      noSlots: count('no_slots'),
      handedOff: count('handed_off'),
      failed: count('failed'),
    },
    answersSeconds: (lastAnswer - firstRequest) / 1000,
    state,
    mondayExpected,
    itemsCreated: created.reduce((a, c) => a + c, 0),
    itemsMissing: created.filter((c) => c === 0).length,
    duplicates: created.reduce((a, c) => a + Math.max(0, c - 1), 0),
    deliveredSeconds: doneAt ? (doneAt - firstRequest) / 1000 : null,
    afterLastAnswerSeconds: doneAt ? (doneAt - lastAnswer) / 1000 : null,
  };
}

/** The runs of one latency, taken together: answer times pooled, counts summed, the runs kept for their times. */
function pooled(rs) {
  const sum = (f) => rs.reduce((acc, r) => acc + f(r), 0);
  const by = {};
  for (const r of rs)
    for (const [d, counts] of Object.entries(r.state.by)) {
      by[d] ??= {};
      for (const [k, v] of Object.entries(counts)) by[d][k] = (by[d][k] ?? 0) + v;
    }
  return {
    latency: rs[0].latency,
    runs: rs,
    n: sum((r) => r.n),
    samples: new Map(STEPS.map((s) => [s, rs.flatMap((r) => r.samples.get(s))])),
    all: rs.flatMap((r) => r.all),
    problems: rs.flatMap((r) => r.problems),
    outcomes: Object.fromEntries(Object.keys(rs[0].outcomes).map((k) => [k, sum((r) => r.outcomes[k])])),
    leads: sum((r) => r.state.leads),
    delivered: sum((r) => r.state.delivered),
    failed: sum((r) => r.state.failed),
    skipped: sum((r) => r.state.skipped),
    pending: sum((r) => r.state.pending),
    by,
    mondayRequests: Object.fromEntries(Object.keys(rs[0].mondayRequests).map((k) => [k, sum((r) => r.mondayRequests[k])])),
    itemsCreated: sum((r) => r.itemsCreated),
    itemsMissing: sum((r) => r.itemsMissing),
    duplicates: sum((r) => r.duplicates),
  };
}

// ---------------------------------------------------------------------------------------------------

try {
  const origin = await runtimeOrigin(PORT);
  const started = Date.now();
  // Warm-up (not reported): the first requests compile the worker and open its pools.
  const warm = await runOnce(origin, 0, CONVERSATIONS, 0);
  if (warm.problems.length > 0 || warm.deliveredSeconds === null)
    console.warn(`warm-up: ${warm.problems.length} unexpected answers (${[...new Set(warm.problems)].join(', ')}), ${warm.state.pending} pending`);
  // ABBA…: 0 ms, N ms, N ms, 0 ms, … so that a drift over the session (the worker warming, the
  // Durable Objects and the schedule filling) weighs on both latencies alike.
  const runs = [];
  for (let round = 0; round < ROUNDS; round++) {
    for (const latency of round % 2 === 0 ? [0, LATENCY_MS] : [LATENCY_MS, 0]) {
      const before = { ...board.requests };
      const r = await runOnce(origin, runs.length + 1, CONVERSATIONS, latency);
      r.mondayRequests = Object.fromEntries(Object.entries(board.requests).map(([k, v]) => [k, v - before[k]]));
      runs.push(r);
    }
  }
  const a = pooled(runs.filter((r) => r.latency === 0));
  const b = pooled(runs.filter((r) => r.latency === LATENCY_MS));

  const ms = (x) => (Number.isNaN(x) ? '-' : x.toFixed(0));
  const head = (l) => `monday ${l.latency} ms`;
  const W = 24;
  console.log(
    `\n${CONVERSATIONS} concurrent Chatfuel conversations per run (half book, half hand off), ${ROUNDS * 2} runs (${runs.map((r) => `${r.latency}`).join(', ')} ms), after a warm-up;`,
  );
  console.log(`answers timed at the worker's own workerd socket (${origin}), not the wrangler dev proxy;`);
  console.log(`monday.com live against a local mock board (${MONDAY_URL}), every other provider in capture mode.\n`);
  console.log(`${'answer time (ms)'.padEnd(20)} ${head(a).padStart(22)} ${head(b).padStart(22)}`);
  console.log(`${'step'.padEnd(20)} ${['n', 'p50', 'p99'].map((h) => h.padStart(6)).join(' ')}   ${['n', 'p50', 'p99'].map((h) => h.padStart(6)).join(' ')}`);
  const line = (title, xa, xb) =>
    console.log(
      `${title.padEnd(20)} ${[String(xa.length), ms(percentile(xa, 50)), ms(percentile(xa, 99))].map((v) => v.padStart(6)).join(' ')}   ${[String(xb.length), ms(percentile(xb, 50)), ms(percentile(xb, 99))].map((v) => v.padStart(6)).join(' ')}`,
    );
  for (const step of STEPS) line(step, a.samples.get(step), b.samples.get(step));
  line('all steps', a.all, b.all);
  console.log(
    `p50 ${b.latency} ms ÷ 0 ms: ${(percentile(b.all, 50) / percentile(a.all, 50)).toFixed(2)}, p99 ${b.latency} ms ÷ 0 ms: ${(percentile(b.all, 99) / percentile(a.all, 99)).toFixed(2)}`,
  );
  console.log(`each run, all steps p50/p99: ${runs.map((r) => `${r.latency} ms ${ms(percentile(r.all, 50))}/${ms(percentile(r.all, 99))}`).join(' · ')}`);

  const each = (xs, f) => xs.map(f).join(', ');
  const secs = (x) => (x === null ? 'timed out' : x.toFixed(1));
  const row = (title, f) => console.log(`${title.padEnd(44)} ${String(f(a)).padStart(W)} ${String(f(b)).padStart(W)}`);
  console.log(`\n${'(summed over the runs of each latency)'.padEnd(44)} ${head(a).padStart(W)} ${head(b).padStart(W)}`);
  row('conversations', (r) => r.n);
  row('all answers given in (s, each run)', (r) => each(r.runs, (x) => x.answersSeconds.toFixed(1)));
  row('unexpected answers', (r) => (r.problems.length === 0 ? 0 : `${r.problems.length} (${[...new Set(r.problems)].slice(0, 2).join(', ')})`));
  row('booked (of them after a slot_taken)', (r) => `${r.outcomes.booked} (${r.outcomes.bookedOnRetry})`);
  row('slot_taken answers / gave up after 2', (r) => `${r.outcomes.slotTakenAnswers} / ${r.outcomes.slotTaken}`);
  row('handed off', (r) => r.outcomes.handedOff);
  row('no slots / failed', (r) => `${r.outcomes.noSlots} / ${r.outcomes.failed}`);
  row('leads stored', (r) => `${r.leads} / ${r.n}`);
  row('deliveries delivered/failed/skipped/pending', (r) => `${r.delivered}/${r.failed}/${r.skipped}/${r.pending}`);
  const dest = [...new Set(runs.flatMap((r) => Object.keys(r.state.by)))].sort();
  for (const d of dest) row(`  ${d} delivered/all`, (r) => `${r.by[d]?.delivered ?? 0}/${r.by[d]?.total ?? 0}`);
  row('monday requests find/create/change/replayed', (r) => ['find', 'create', 'change', 'replayed'].map((k) => r.mondayRequests[k]).join('/'));
  row('monday items created / conversations', (r) => `${r.itemsCreated} / ${r.n}`);
  row('monday duplicates / missing', (r) => `${r.duplicates} / ${r.itemsMissing}`);
  row('all delivered from 1st request (s, each run)', (r) => each(r.runs, (x) => secs(x.deliveredSeconds)));
  row('  after the last answer (s, each run)', (r) =>
    each(r.runs, (x) => (x.afterLastAnswerSeconds === null ? 'timed out' : `+${x.afterLastAnswerSeconds.toFixed(1)}`)),
  );
  console.log(`\nwhole benchmark: ${((Date.now() - started) / 1000).toFixed(0)} s after start-up`);
} finally {
  await db.end();
  await stopAll();
}
