// The local stack behind `npm run dev` and `npm run bench`: embedded Postgres (migrated), the Neon
// WebSocket bridge, and `wrangler dev` with Durable Objects and Queues simulated.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startLocalPostgres } from './postgres.mjs';
import { startWsBridge } from './ws-bridge.mjs';

export const ROOT = fileURLToPath(new URL('../..', import.meta.url)).replace(/\/$/, '');

const fresh = () => randomBytes(18).toString('base64url');
const DEV_SECRETS = {
  ADMIN_API_KEY: () => `lg_dev_${fresh()}`,
  SETTINGS_ENCRYPTION_KEY: () => randomBytes(32).toString('base64'),
};

function parseVars(text) {
  const vars = {};
  for (const line of text.split('\n')) {
    const m = /^\s*([A-Z0-9_]+)\s*=\s*(.*)\s*$/.exec(line);
    if (m) vars[m[1]] = m[2].replace(/^"(.*)"$/, '$1');
  }
  return vars;
}

/**
 * .dev.vars, made from .dev.vars.example on first run with secrets of its own: the local database
 * listens on loopback and the local API on localhost, where anyone else on the machine can knock, so
 * neither may use a password that is written in the repository. Readable by its owner only.
 *
 * A .dev.vars from before workspaces (the Worker connected as the database owner) is brought up to date
 * in place: the owner's password moves to .data/owner-password, and the Worker gets the app role.
 */
export function readDevVars() {
  const ownerPasswordFile = `${ROOT}/.data/owner-password`;
  const file = `${ROOT}/.dev.vars`;
  if (!existsSync(file)) {
    const text = readFileSync(`${ROOT}/.dev.vars.example`, 'utf8').replace(/^(DATABASE_URL=postgres:\/\/[^:]+:)[^@]*@/m, (_m, head) => `${head}${fresh()}@`);
    writeFileSync(file, withSecrets(text), { mode: 0o600, flag: 'wx' });
  }
  let text = readFileSync(file, 'utf8');
  let legacyOwnerPassword;
  const db = new URL(parseVars(text).DATABASE_URL);
  if (db.username !== 'leadgate_app') {
    legacyOwnerPassword = decodeURIComponent(db.password);
    text = text.replace(/^DATABASE_URL=postgres:\/\/[^@]*@/m, `DATABASE_URL=postgres://leadgate_app:${fresh()}@`);
  }
  const upgraded = withSecrets(withNewVariables(text));
  if (upgraded !== readFileSync(file, 'utf8')) {
    // The cluster in .data/postgres was made with this password: it stays the owner's.
    if (legacyOwnerPassword && !existsSync(ownerPasswordFile)) writePrivate(ownerPasswordFile, legacyOwnerPassword);
    writeFileSync(file, upgraded, { mode: 0o600 });
  }
  return parseVars(upgraded);
}

/**
 * Variables .dev.vars.example has gained since this .dev.vars was made (a feature added after it) are
 * appended with the example's values, so `npm run dev` after a pull runs every feature; a variable already
 * set, even to empty, is left as it is.
 */
function withNewVariables(text) {
  const have = new Set([...text.matchAll(/^([A-Z][A-Z0-9_]*)=/gm)].map((m) => m[1]));
  const added = [...readFileSync(`${ROOT}/.dev.vars.example`, 'utf8').matchAll(/^([A-Z][A-Z0-9_]*)=(.*)$/gm)].filter((m) => !have.has(m[1]));
  if (added.length === 0) return text;
  console.log(`.dev.vars: added ${added.length} new variable(s) from .dev.vars.example: ${added.map((m) => m[1]).join(', ')}`);
  return `${text.replace(/\n?$/, '\n')}\n# Added from .dev.vars.example (new since this file was made)\n${added.map((m) => m[0]).join('\n')}\n`;
}

/** Fills every secret that is missing or still the example's placeholder (new variables get theirs too). */
function withSecrets(text) {
  let out = text;
  for (const [name, make] of Object.entries(DEV_SECRETS)) {
    const line = new RegExp(`^${name}=(.*)$`, 'm');
    const current = line.exec(out);
    if (!current) out = `${out.replace(/\n?$/, '\n')}${name}=${make()}\n`;
    else if (current[1] === '' || current[1] === 'replaced-on-first-run') out = out.replace(line, `${name}=${make()}`);
  }
  return out;
}

function writePrivate(file, content) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content, { mode: 0o600 });
}

/**
 * The local database owner's password: kept beside the cluster (never in the Worker's env, which gets
 * the app role only), made on first run.
 */
export function localOwnerPassword(dataDir = `${ROOT}/.data`) {
  const file = `${dataDir}/owner-password`;
  readDevVars();
  if (!existsSync(file)) writePrivate(file, fresh());
  return readFileSync(file, 'utf8').trim();
}

/** The owner's connection string for the CLI: DATABASE_OWNER_URL, or the local cluster's. */
export function ownerDatabaseUrl() {
  if (process.env.DATABASE_OWNER_URL) return process.env.DATABASE_OWNER_URL;
  const db = new URL(readDevVars().DATABASE_URL);
  db.username = 'leadgate';
  db.password = encodeURIComponent(localOwnerPassword());
  return db.toString();
}

/** Waits until `url` answers, or throws after `timeoutMs`. */
export async function waitForHttp(url, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // not up yet
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`${url} did not come up within ${timeoutMs} ms`);
}

/**
 * Starts everything. `vars` override .dev.vars for this run (the benchmark raises the rate limits).
 * `workerDir` is where wrangler runs (its wrangler.toml, .dev.vars and src/): the checkout, or a copy of
 * it that edits made meanwhile do not reach (wrangler dev reloads on every change, on a new port).
 * Returns the API origin and a stop() that tears it all down.
 */
export async function startStack({
  port = 8787,
  dataDir = `${ROOT}/.data`,
  vars = {},
  log = console.log,
  quiet = false,
  pgPort,
  bridgePort,
  queueGauge = false,
  workerDir = ROOT,
} = {}) {
  const ownerPassword = localOwnerPassword(dataDir);
  const devVars = readDevVars();
  const db = new URL(devVars.DATABASE_URL);
  if (pgPort) {
    db.port = String(pgPort);
    vars = { ...vars, DATABASE_URL: db.toString() };
  }
  const pg = await startLocalPostgres({
    dataDir: `${dataDir}/postgres`,
    port: Number(db.port),
    database: db.pathname.slice(1),
    password: ownerPassword,
    appPassword: decodeURIComponent(db.password),
  });
  const where = pg.dataDir === `${dataDir}/postgres` ? pg.dataDir : `${pg.dataDir}, linked from ${dataDir}/postgres`;
  log(`postgres  ${pg.url.replace(/:[^:@/]+@/, ':***@')}  (data in ${where}, migrations applied)`);
  if (bridgePort) vars = { ...vars, NEON_WS_PROXY: `127.0.0.1:${bridgePort}` };
  const bridge = await startWsBridge({ port: bridgePort ?? Number(devVars.NEON_WS_PROXY.split(':')[1]) }).catch(async (err) => {
    await pg.stop();
    throw err;
  });
  log(`bridge    ws://${bridge.url} → postgres (the Neon driver's WebSocket, loopback only)`);

  if (queueGauge) vars = { ...vars, LOCAL_QUEUE_GAUGE: 'true' };
  if (port !== 8787) vars = { PUBLIC_API_URL: `http://127.0.0.1:${port}`, ...vars };
  const args = [
    'dev',
    '--port',
    String(port),
    '--ip',
    '127.0.0.1',
    '--persist-to',
    `${dataDir}/wrangler`,
    '--show-interactive-dev-session=false',
    '--test-scheduled',
  ];
  for (const [k, v] of Object.entries(vars)) args.push('--var', `${k}:${v}`);
  const wrangler = spawn(`${ROOT}/node_modules/.bin/wrangler`, args, {
    cwd: workerDir,
    stdio: quiet ? ['ignore', 'ignore', 'pipe'] : 'inherit',
    env: { ...process.env, WRANGLER_SEND_METRICS: 'false', CI: process.env.CI ?? '' },
    // Its own process group, like the database's: Ctrl-C reaches `npm run dev` first, which lets the
    // in-memory queues drain before it stops wrangler.
    detached: true,
  });
  const killOnExit = () => wrangler.exitCode === null && wrangler.signalCode === null && wrangler.kill('SIGTERM');
  process.on('exit', killOnExit);
  let stderr = '';
  wrangler.stderr?.on('data', (d) => (stderr = (stderr + d).slice(-4000)));

  // wrangler dev does not fire cron triggers by itself: do what Cloudflare does, once a minute.
  const cron = setInterval(() => fetch(`http://127.0.0.1:${port}/__scheduled?cron=${encodeURIComponent('* * * * *')}`).catch(() => {}), 60_000);

  const wranglerExited = new Promise((r) => wrangler.once('exit', r));
  let stopping;
  // Idempotent; also when a Ctrl-C has reached every process already (wrangler may be gone by then).
  const stop = () =>
    (stopping ??= (async () => {
      clearInterval(cron);
      try {
        if (wrangler.exitCode === null && wrangler.signalCode === null) {
          wrangler.kill('SIGTERM');
          const timer = setTimeout(() => wrangler.kill('SIGKILL'), 15_000);
          await wranglerExited;
          clearTimeout(timer);
        }
        process.off('exit', killOnExit);
        await bridge.stop();
      } finally {
        await pg.stop();
      }
    })());
  const origin = `http://127.0.0.1:${port}`;
  try {
    await Promise.race([
      waitForHttp(`${origin}/healthz`),
      new Promise((_, reject) => wrangler.once('exit', (code) => reject(new Error(`wrangler dev exited (${code}): ${stderr}`)))),
    ]);
  } catch (err) {
    await stop();
    throw err;
  }
  return { origin, stop, databaseUrl: pg.url, appDatabaseUrl: pg.appUrl };
}
