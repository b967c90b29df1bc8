// `npm run workspace -- create <slug> "<name>"`: a new site served by this deployment (its own site key,
// the default workspace's benchmarks to start from). `npm run workspace -- list`: every workspace.
// Runs as the database owner: DATABASE_OWNER_URL, or the local cluster of `npm run dev`.
import { asOwner, parseArgs } from './local/owner-db.mjs';
import { readDevVars } from './local/stack.mjs';

const { positional } = parseArgs(process.argv.slice(2));
const [command, slug, ...nameParts] = positional;
const api = (process.env.PUBLIC_API_URL ?? readDevVars().PUBLIC_API_URL ?? 'http://localhost:8787').replace(/\/$/, '');

if (command === 'create' && slug) {
  if (!/^[a-z0-9][a-z0-9-]{1,62}$/.test(slug)) {
    console.error('The slug is lower-case letters, digits and "-" (2 to 63 characters), e.g. brand-b.');
    process.exit(2);
  }
  const name = nameParts.join(' ') || slug;
  const { rows } = await asOwner((c) => c.query('SELECT id, slug, site_key FROM leadgate_create_workspace($1, $2)', [slug, name])).catch((err) => {
    console.error(err.code === '23505' ? `A workspace "${slug}" exists already.` : err.message);
    process.exit(1);
  });
  const w = rows[0];
  console.log(`workspace  ${w.slug}  (${w.id})`);
  console.log(`site key   ${w.site_key}   (public: the site sends it as X-Site-Key, or "site_key" in the body)`);
  console.log(`webhooks   ${api}/api/v1/workspaces/${w.slug}/webhooks/{hubspot|pipedrive|monday|standard|crm-update}`);
  console.log('');
  console.log(`next: npm run api-key -- create --workspace ${w.slug} --name ops --scopes admin`);
  console.log('      then PATCH /api/v1/settings with that key (cors_origins, turnstile_hostnames, crm_providers, …)');
} else if (command === 'list') {
  const { rows } = await asOwner((c) => c.query('SELECT id, slug, name, site_key FROM leadgate_workspace_list()'));
  for (const w of rows) console.log(`${w.slug.padEnd(24)} ${w.id}  ${w.site_key}  ${w.name}`);
} else {
  console.error('usage: npm run workspace -- create <slug> "<name>"\n       npm run workspace -- list');
  process.exit(2);
}
