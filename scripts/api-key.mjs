// `npm run api-key -- create --name <name> --scopes <scope,…> [--workspace <slug>] [--expires <ISO date>]`:
// an API key of a workspace (the default one unless --workspace), shown once; Postgres keeps its SHA-256.
// `npm run api-key -- list [--workspace <slug>]`, `npm run api-key -- revoke <id> [--workspace <slug>]`.
// Runs as the database owner (DATABASE_OWNER_URL, or the local cluster of `npm run dev`), so it can make
// the first key of a fresh deployment. Keys are made by the same SQL function the admin API calls.
import { asOwner, parseArgs, workspaceBySlug } from './local/owner-db.mjs';

const { options, positional } = parseArgs(process.argv.slice(2));
const [command, id] = positional;
const usage = () => {
  console.error(
    'usage: npm run api-key -- create --name <name> --scopes <scope,…> [--workspace <slug>] [--expires <ISO date>]\n' +
      '       npm run api-key -- list [--workspace <slug>]\n' +
      '       npm run api-key -- revoke <id> [--workspace <slug>]\n' +
      'scopes: leads:read leads:write pipeline:write sales:write deliveries:replay settings:write admin',
  );
  process.exit(2);
};

const workspace = await workspaceBySlug(options.workspace ?? 'default');
const asWorkspace = (fn) => asOwner(fn, { workspaceId: workspace.id });

if (command === 'create') {
  const scopes = (options.scopes ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (!options.name || scopes.length === 0) usage();
  const expires = options.expires ? new Date(options.expires) : null;
  if (expires && (Number.isNaN(expires.getTime()) || expires <= new Date())) {
    console.error('--expires must be a date in the future, e.g. 2027-06-30');
    process.exit(2);
  }
  const { rows } = await asWorkspace((c) =>
    c.query('SELECT id, prefix, key FROM leadgate_issue_api_key($1, $2, $3::text[], $4)', [workspace.id, options.name, scopes, expires]),
  ).catch((err) => {
    console.error(err.constraint === 'api_keys_scopes_known' ? `Unknown scope in "${scopes.join(',')}".` : err.message);
    process.exit(1);
  });
  const k = rows[0];
  console.log(`key (shown once, store it now): ${k.key}`);
  console.log(
    `id ${k.id}, workspace ${workspace.slug}, name ${options.name}, scopes ${scopes.join(' ')}${expires ? `, expires ${expires.toISOString()}` : ''}`,
  );
  console.log('use it as: Authorization: Bearer <key>');
} else if (command === 'list') {
  const { rows } = await asWorkspace((c) =>
    c.query('SELECT id, name, prefix, scopes, expires_at, revoked_at, last_used_at FROM api_keys WHERE workspace_id = $1 ORDER BY id DESC', [workspace.id]),
  );
  for (const k of rows) {
    const state = k.revoked_at ? 'revoked' : k.expires_at && k.expires_at <= new Date() ? 'expired' : 'active';
    console.log(`${k.id}  ${k.prefix}…  ${k.name.padEnd(20)} ${state.padEnd(8)} ${k.scopes.join(',')}`);
  }
} else if (command === 'revoke' && id) {
  const { rowCount } = await asWorkspace((c) =>
    c.query('UPDATE api_keys SET revoked_at = coalesce(revoked_at, now()) WHERE id = $1 AND workspace_id = $2', [id, workspace.id]),
  );
  console.log(rowCount ? `revoked ${id}` : `no key ${id} in workspace ${workspace.slug}`);
  if (!rowCount) process.exit(1);
} else usage();
