// `npm run audit:verify [-- --workspace <slug>]`: recomputes each workspace's audit chain in Postgres (the
// same SQL function GET /api/v1/audit/verify calls) and exits 1 if any chain is broken. Runs as the
// database owner: DATABASE_OWNER_URL, or the local cluster of `npm run dev`.
import { asOwner, parseArgs } from './local/owner-db.mjs';

const { options } = parseArgs(process.argv.slice(2));
const { rows: all } = await asOwner((c) => c.query('SELECT id, slug FROM leadgate_workspace_list()'));
const workspaces = options.workspace ? all.filter((w) => w.slug === options.workspace) : all;
if (workspaces.length === 0) {
  console.error(options.workspace ? `No workspace "${options.workspace}".` : 'No workspaces.');
  process.exit(2);
}
let broken = 0;
for (const w of workspaces) {
  const { rows } = await asOwner((c) => c.query('SELECT * FROM leadgate_audit_verify()'), { workspaceId: w.id });
  const r = rows[0];
  if (r.problem) {
    broken++;
    console.log(`${w.slug.padEnd(24)} BROKEN at entry ${r.broken_seq}${r.broken_id ? ` (${r.broken_id})` : ''}: ${r.problem}`);
  } else console.log(`${w.slug.padEnd(24)} ok, ${r.entries} entries`);
}
process.exit(broken > 0 ? 1 : 0);
