// The CLI's connection to Postgres as the database owner (DATABASE_OWNER_URL, or the local cluster of
// `npm run dev`), for what the Worker's role may not do: create workspaces, make a deployment's first key.
import pg from 'pg';
import { ownerDatabaseUrl } from './stack.mjs';

/** Runs `fn` in one transaction as the owner, optionally as a workspace (so row-level security agrees). */
export async function asOwner(fn, { workspaceId } = {}) {
  const url = ownerDatabaseUrl();
  const client = new pg.Client({ connectionString: url, ssl: /sslmode=require|neon\.tech/.test(url) ? { rejectUnauthorized: true } : undefined });
  try {
    await client.connect();
  } catch (err) {
    console.error(`Cannot reach Postgres (${err.message}). Locally, start it with \`npm run dev\`; in production set DATABASE_OWNER_URL.`);
    process.exit(1);
  }
  try {
    await client.query('BEGIN');
    if (workspaceId) await client.query("SELECT set_config('app.workspace_id', $1, true)", [workspaceId]);
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
}

/** The workspace a slug names, or exit with a message. */
export async function workspaceBySlug(slug) {
  const { rows } = await asOwner((c) => c.query('SELECT id, slug, name, site_key FROM leadgate_workspace_by_slug($1)', [slug]));
  if (!rows[0]) {
    console.error(`No workspace "${slug}". \`npm run workspace -- list\` shows them.`);
    process.exit(1);
  }
  return rows[0];
}

/** `--name value` options and positional arguments. */
export function parseArgs(argv) {
  const options = {};
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z-]+)(?:=(.*))?$/.exec(argv[i]);
    if (m) options[m[1]] = m[2] ?? argv[++i];
    else positional.push(argv[i]);
  }
  return { options, positional };
}
