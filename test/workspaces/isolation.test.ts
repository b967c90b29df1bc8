import { env } from 'cloudflare:workers';
import { createHmac } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it } from 'vitest';
import { industryBenchmarks, leads, webhookEvents } from '../../src/db/schema';
import { DEFAULT_WORKSPACE_ID } from '../../src/domain/workspace';
import { ADMIN_KEY, adminGet, appDatabase, call, database, eventually, postJson, uniqueEmail, uniqueIp } from '../support/api';
import { providerCalls } from '../support/msw';
import { asKey, configure, createWorkspace, keyWith, type TestWorkspace } from '../support/workspaces';

const lead = (email: string, extra: Record<string, unknown> = {}) => ({
  source: 'contact_form',
  email,
  name: 'Ada Lovelace',
  message: 'Please call me back.',
  turnstile_token: 'XXXX.DUMMY.TOKEN.XXXX',
  ...extra,
});

/** What the owner sees: every workspace's rows with this email. */
async function leadRows(email: string) {
  const { db, close } = database();
  try {
    return await db.select({ id: leads.id, workspaceId: leads.workspaceId, stage: leads.stage }).from(leads).where(eq(leads.email, email));
  } finally {
    await close();
  }
}

/** Posts a lead with a workspace's site key and waits for it to be stored; its event id and lead id. */
async function storedLead(ws: TestWorkspace, email: string) {
  const res = await postJson('/api/v1/leads', lead(email), { 'x-site-key': ws.siteKey });
  expect(res.status).toBe(202);
  const { id: eventId } = (await res.json()) as { id: string };
  const event = await eventually(async () => {
    const r = await asKey(ws.adminKey, `/api/v1/events/${eventId}`);
    const body = (await r.json()) as { state: string; lead_id?: string };
    return body.state === 'stored' ? body : null;
  });
  return { eventId, leadId: event.lead_id! };
}

const SITE_SETTINGS = (origin: string) => ({
  cors_origins: [origin],
  turnstile_hostnames: ['www.example.com'],
  sales_inbox: 'sales@leadgate-test.com',
  email_from: 'no-reply@leadgate-test.com',
  crm_providers: ['hubspot'],
});

let a: TestWorkspace;
let b: TestWorkspace;

beforeAll(async () => {
  [a, b] = await Promise.all([createWorkspace('a'), createWorkspace('b')]);
  await configure(a, SITE_SETTINGS('https://www.site-a.test'), {
    sendgrid_api_key: 'SG.site-a',
    hubspot_access_token: 'pat-site-a',
    hubspot_client_secret: 'site-a-hubspot-client-secret',
  });
  await configure(b, SITE_SETTINGS('https://www.site-b.test'), {
    sendgrid_api_key: 'SG.site-b',
    hubspot_access_token: 'pat-site-b',
    hubspot_client_secret: 'site-b-hubspot-client-secret',
  });
});

describe('a public submission with a site key lands in that workspace only', () => {
  it('stores a lead sent with X-Site-Key, or site_key in the body, in its own workspace', async () => {
    const byHeader = uniqueEmail('site-a-header');
    const byBody = uniqueEmail('site-a-body');
    expect((await postJson('/api/v1/leads', lead(byHeader), { 'x-site-key': a.siteKey })).status).toBe(202);
    expect((await postJson('/api/v1/leads', lead(byBody, { site_key: a.siteKey }))).status).toBe(202);
    for (const email of [byHeader, byBody]) {
      const rows = await eventually(async () => ((await leadRows(email)).length > 0 ? leadRows(email) : null));
      expect(rows.map((r) => r.workspaceId)).toEqual([a.id]);
    }
    // Neither B's key nor the default workspace's sees them.
    expect(await (await asKey(b.adminKey, `/api/v1/leads?email=${encodeURIComponent(byHeader)}`)).json()).toMatchObject({ items: [] });
    expect(await (await adminGet(`/api/v1/leads?email=${encodeURIComponent(byHeader)}`)).json()).toMatchObject({ items: [] });
    expect(await (await asKey(a.adminKey, `/api/v1/leads?email=${encodeURIComponent(byHeader)}`)).json()).toMatchObject({ items: [{ email: byHeader }] });
  });

  it('keeps the same person apart in two workspaces: two leads, one each', async () => {
    const email = uniqueEmail('both');
    await Promise.all([storedLead(a, email), storedLead(b, email)]);
    const rows = await leadRows(email);
    expect(rows.map((r) => r.workspaceId).sort()).toEqual([a.id, b.id].sort());
  });

  it('refuses an unknown site key, two different keys, and a key used from another site, storing nothing', async () => {
    const email = uniqueEmail('refused');
    const unknown = await postJson('/api/v1/leads', lead(email), { 'x-site-key': 'lg_site_00000000000000000000000000000000' });
    expect(unknown.status).toBe(422);
    expect(await unknown.json()).toMatchObject({ errors: [{ field: 'site_key', code: 'unknown' }] });
    const junk = await postJson('/api/v1/leads', lead(email), { 'x-site-key': 'not-a-key' });
    expect(junk.status).toBe(422);
    const twice = await postJson('/api/v1/leads', lead(email, { site_key: b.siteKey }), { 'x-site-key': a.siteKey });
    expect(twice.status).toBe(422);
    expect(await twice.json()).toMatchObject({ errors: [{ field: 'site_key', code: 'conflict' }] });
    const wrongSite = await postJson('/api/v1/leads', lead(email), { 'x-site-key': a.siteKey, origin: 'https://www.site-b.test' });
    expect(wrongSite.status).toBe(403);
    const rightSite = await postJson('/api/v1/leads', lead(uniqueEmail('origin-ok')), { 'x-site-key': a.siteKey, origin: 'https://www.site-a.test' });
    expect(rightSite.status).toBe(202);
    expect(rightSite.headers.get('access-control-allow-origin')).toBe('https://www.site-a.test');
    // A sentinel posted after them is stored: had any of them been accepted, it would be there by now.
    const sentinel = uniqueEmail('sentinel');
    await storedLead(a, sentinel);
    expect(await leadRows(email)).toEqual([]);
  });

  it("answers a browser's preflight for every site served, and no other origin", async () => {
    const preflight = (origin: string) =>
      call('/api/v1/leads', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,x-site-key' },
      });
    expect((await preflight('https://www.site-b.test')).headers.get('access-control-allow-origin')).toBe('https://www.site-b.test');
    expect((await preflight('https://www.example.com')).headers.get('access-control-allow-origin')).toBe('https://www.example.com');
    expect((await preflight('https://evil.test')).headers.get('access-control-allow-origin')).toBeNull();
  });
});

describe("a key of one workspace cannot read, list, change or replay another's, even with its ids", () => {
  it("answers A's key about B's lead, events, deliveries and keys as if they did not exist", async () => {
    const email = uniqueEmail('b-only');
    const { eventId, leadId } = await storedLead(b, email);
    const bDeliveries = (await (await asKey(b.adminKey, `/api/v1/deliveries?event_id=${eventId}`)).json()) as { items: Array<{ id: string }> };
    expect(bDeliveries.items.length).toBeGreaterThan(0);
    const deliveryId = bDeliveries.items[0]!.id;
    const bKey = await keyWith(b, ['leads:read']);

    expect((await asKey(a.adminKey, `/api/v1/leads/${leadId}`)).status).toBe(404);
    expect(await (await asKey(a.adminKey, `/api/v1/leads?email=${encodeURIComponent(email)}`)).json()).toMatchObject({ items: [] });
    const event = (await (await asKey(a.adminKey, `/api/v1/events/${eventId}`)).json()) as Record<string, unknown>;
    expect(event.state).toBe('queued'); // what any fresh id that is not A's looks like: nothing of B's
    expect(event).toMatchObject({ lead_id: null, type: null, deliveries: [] });
    expect((await asKey(a.adminKey, `/api/v1/events/${eventId}/replay`, 'POST')).status).toBe(404);
    expect(await (await asKey(a.adminKey, `/api/v1/deliveries?event_id=${eventId}`)).json()).toMatchObject({ items: [] });
    expect((await asKey(a.adminKey, `/api/v1/deliveries/${deliveryId}`)).status).toBe(404);
    expect((await asKey(a.adminKey, `/api/v1/deliveries/${deliveryId}/replay`, 'POST')).status).toBe(404);
    expect((await asKey(a.adminKey, `/api/v1/api-keys/${bKey.id}`)).status).toBe(404);
    expect((await asKey(a.adminKey, `/api/v1/api-keys/${bKey.id}`, 'DELETE')).status).toBe(404);
    expect((await asKey(bKey.key, `/api/v1/leads/${leadId}`)).status).toBe(200); // B's key still works, and sees it
    // The bootstrap key is the default workspace's: it does not see B either.
    expect((await adminGet(`/api/v1/leads/${leadId}`)).status).toBe(404);
  });

  it('changes only its own benchmarks and settings', async () => {
    const put = await asKey(a.adminKey, '/api/v1/benchmarks/saas', 'PUT', {
      expected_churn_reduction_percent: 42,
      implementation_cost: 1,
      time_to_value_months: 1,
      source: 'isolation test',
    });
    expect(put.status).toBe(200);
    const { db, close } = database();
    try {
      const rows = await db
        .select({ workspaceId: industryBenchmarks.workspaceId, pct: industryBenchmarks.expectedChurnReductionPercent })
        .from(industryBenchmarks)
        .where(eq(industryBenchmarks.industry, 'saas'));
      const byWorkspace = new Map(rows.map((r) => [r.workspaceId, r.pct]));
      expect(byWorkspace.get(a.id)).toBe(42);
      expect(byWorkspace.get(b.id)).not.toBe(42);
      expect(byWorkspace.get(DEFAULT_WORKSPACE_ID)).not.toBe(42);
    } finally {
      await close();
    }
    const bSettings = (await (await asKey(b.adminKey, '/api/v1/settings')).json()) as { workspace: { id: string }; settings: { cors_origins: string[] } };
    expect(bSettings.workspace.id).toBe(b.id);
    expect(bSettings.settings.cors_origins).toEqual(['https://www.site-b.test']);
  });
});

describe('webhooks carry their workspace in the path and are verified with its own secrets', () => {
  const ORIGIN = 'https://api.example.com';
  const signed = (path: string, body: string, secret: string) => {
    const timestamp = String(Date.now());
    const signature = createHmac('sha256', secret).update(`POST${ORIGIN}${path}`).update(body).update(timestamp).digest('base64');
    return call(path, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': timestamp },
      body,
    });
  };
  // HubSpot's workflow "Send a webhook": the contact's properties, found by email.
  const statusChange = (email: string, objectId: number) =>
    JSON.stringify({ objectId, properties: { email: { value: email }, hs_lead_status: { value: 'CONNECTED' } } });

  it("a webhook signed with A's secret moves A's lead and cannot touch B's", async () => {
    const email = uniqueEmail('hook');
    const [inA, inB] = await Promise.all([storedLead(a, email), storedLead(b, email)]);
    const aPath = `/api/v1/workspaces/${a.slug}/webhooks/hubspot`;
    const bPath = `/api/v1/workspaces/${b.slug}/webhooks/hubspot`;
    const body = statusChange(email, Math.floor(Math.random() * 1e9));

    expect((await signed(bPath, body, 'site-a-hubspot-client-secret')).status).toBe(401);
    expect((await signed('/api/v1/webhooks/hubspot', body, 'site-a-hubspot-client-secret')).status).toBe(401);
    expect((await signed(`/api/v1/workspaces/no-such-site/webhooks/hubspot`, body, 'site-a-hubspot-client-secret')).status).toBe(404);
    const accepted = await signed(aPath, body, 'site-a-hubspot-client-secret');
    expect(accepted.status).toBe(200);
    const receipt = (await accepted.json()) as { id: string };

    await eventually(async () => {
      const r = (await (await asKey(a.adminKey, `/api/v1/webhook-events/${receipt.id}`)).json()) as { outcome: string };
      return r.outcome === 'applied';
    });
    const rows = new Map((await leadRows(email)).map((r) => [r.id, r.stage]));
    expect(rows.get(inA.leadId)).toBe('contacted');
    expect(rows.get(inB.leadId)).toBe('new');
    expect((await asKey(b.adminKey, `/api/v1/webhook-events/${receipt.id}`)).status).toBe(404);
    // The rejected calls were recorded where they were aimed, not in A.
    const { db, close } = database();
    try {
      const rejected = await db
        .select({ workspaceId: webhookEvents.workspaceId })
        .from(webhookEvents)
        .where(and(eq(webhookEvents.verified, false), eq(webhookEvents.workspaceId, a.id)));
      expect(rejected).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('Postgres itself keeps workspaces apart', () => {
  it('shows a transaction with no workspace set nothing, and lets it write nothing', async () => {
    await storedLead(a, uniqueEmail('rls'));
    const { db, close } = appDatabase();
    try {
      const [seen] = (await db.execute<{ n: number }>(sql`select count(*)::int as n from leads`)).rows;
      expect(seen!.n).toBe(0);
      const [seenDeliveries] = (await db.execute<{ n: number }>(sql`select count(*)::int as n from deliveries`)).rows;
      expect(seenDeliveries!.n).toBe(0);
      await expect(
        db.execute(sql`insert into leads (id, email, email_normalized, status, first_source, first_touch, last_touch, consent, last_seen_at, created_at)
          values (gen_random_uuid(), 'x@y.test', 'x@y.test', 'new', 'pricing', '{}', '{}', '{}', now(), now())`),
      ).rejects.toThrow();
      // Naming another workspace's id outright is refused too.
      await expect(
        db.transaction(async (tx) => {
          await tx.execute(sql`select set_config('app.workspace_id', ${a.id}, true)`);
          await tx.execute(
            sql`insert into deliveries (id, workspace_id, event_id, destination, key, payload) values (gen_random_uuid(), ${b.id}::uuid, gen_random_uuid(), 'email', 'x', '{}')`,
          );
        }),
      ).rejects.toSatisfy((err: Error & { cause?: Error }) => /row-level security/.test(`${err.cause?.message ?? err.message}`));
      const inA = await db.transaction(async (tx) => {
        await tx.execute(sql`select set_config('app.workspace_id', ${a.id}, true)`);
        return (await tx.execute<{ workspace_id: string }>(sql`select distinct workspace_id from leads`)).rows;
      });
      expect(inA).toEqual([{ workspace_id: a.id }]);
      // The setting was local to that transaction: the next one on the pool sees nothing again.
      const [after] = (await db.execute<{ n: number }>(sql`select count(*)::int as n from leads`)).rows;
      expect(after!.n).toBe(0);
    } finally {
      await close();
    }
  });

  it('connects the Worker as a role without BYPASSRLS, with row-level security forced on every tenant table', async () => {
    const { db, close } = appDatabase();
    try {
      const [role] = (
        await db.execute<{ rolname: string; rolbypassrls: boolean; rolsuper: boolean }>(
          sql`select rolname, rolbypassrls, rolsuper from pg_roles where rolname = current_user`,
        )
      ).rows;
      expect(role).toEqual({ rolname: 'leadgate_app', rolbypassrls: false, rolsuper: false });
      // Every table the Worker's role can read at all (a table added later without a policy would show here).
      const tables = (
        await db.execute<{ relname: string; relrowsecurity: boolean; relforcerowsecurity: boolean; has_workspace: boolean }>(sql`
          select c.relname, c.relrowsecurity, c.relforcerowsecurity,
            exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'workspace_id' and not a.attisdropped) as has_workspace
          from pg_class c join pg_namespace n on n.oid = c.relnamespace
          where n.nspname = 'public' and c.relkind = 'r' and has_table_privilege(current_user, c.oid, 'SELECT')
            and c.relname <> '__drizzle_migrations'
          order by c.relname`)
      ).rows;
      expect(tables.length).toBeGreaterThanOrEqual(15);
      // Each is a tenant table, or the workspace directory itself (its policy is on its id).
      expect(tables.filter((t) => !t.has_workspace).map((t) => t.relname)).toEqual(['workspaces']);
      expect(tables.filter((t) => !t.relrowsecurity || !t.relforcerowsecurity)).toEqual([]);
    } finally {
      await close();
    }
  });
});

describe('limits and bookings hold per workspace and do not leak across', () => {
  it("counts an email's submissions per workspace: A's limit reached does not refuse the same person in B", async () => {
    const email = uniqueEmail('limit');
    const ip = () => ({ 'cf-connecting-ip': uniqueIp() });
    const inA = await Promise.all(Array.from({ length: 6 }, () => postJson('/api/v1/leads', lead(email), { 'x-site-key': a.siteKey, ...ip() })));
    expect(inA.map((r) => r.status).sort()).toEqual([202, 202, 202, 202, 202, 429]);
    expect((await postJson('/api/v1/leads', lead(email), { 'x-site-key': b.siteKey, ...ip() })).status).toBe(202);
    expect((await postJson('/api/v1/leads', lead(email), ip())).status).toBe(202);
  });

  it('gives the same Idempotency-Key in two workspaces two events', async () => {
    const key = `idem-${crypto.randomUUID()}`;
    const email = uniqueEmail('idem');
    const [one, two] = await Promise.all([a, b].map((ws) => postJson('/api/v1/leads', lead(email), { 'x-site-key': ws.siteKey, 'idempotency-key': key })));
    expect([one!.status, two!.status]).toEqual([202, 202]);
    const [idA, idB] = await Promise.all([one!.json(), two!.json()]);
    expect(idA).not.toEqual(idB);
  });
});

describe('the existing paths keep serving the default workspace', () => {
  it('stores a lead without a site key in the default workspace, and the bootstrap key reads it', async () => {
    const email = uniqueEmail('default');
    expect((await postJson('/api/v1/leads', lead(email))).status).toBe(202);
    const rows = await eventually(async () => ((await leadRows(email)).length > 0 ? leadRows(email) : null));
    expect(rows.map((r) => r.workspaceId)).toEqual([DEFAULT_WORKSPACE_ID]);
    const listed = (await (await call(`/api/v1/leads?email=${encodeURIComponent(email)}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json()) as {
      items: unknown[];
    };
    expect(listed.items).toHaveLength(1);
  });

  it('refuses a public request without a site key when the deployment requires one', async () => {
    const { default: worker } = await import('../../src/index');
    const strict = { ...env, REQUIRE_SITE_KEY: 'true' } as Env;
    const ctx = { waitUntil: () => undefined, passThroughOnException: () => undefined, props: {} } as unknown as ExecutionContext;
    const res = await worker.fetch(
      new Request('https://api.example.com/api/v1/leads', {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'cf-connecting-ip': uniqueIp() },
        body: JSON.stringify(lead(uniqueEmail('strict'))),
      }),
      strict,
      ctx,
    );
    expect(res.status).toBe(422);
    expect(await res.json()).toMatchObject({ errors: [{ field: 'site_key', code: 'required' }] });
  });
});

describe("each workspace's fan-out uses its own provider credentials", () => {
  it("sends B's lead to HubSpot with B's token and A's with A's", async () => {
    const [emailA, emailB] = [uniqueEmail('creds-a'), uniqueEmail('creds-b')];
    await Promise.all([storedLead(a, emailA), storedLead(b, emailB)]);
    const tokenFor = (email: string) =>
      eventually(async () => providerCalls.find((c) => c.provider === 'hubspot' && c.body.includes(email))?.headers.authorization);
    expect(await tokenFor(emailA)).toBe('Bearer pat-site-a');
    expect(await tokenFor(emailB)).toBe('Bearer pat-site-b');
  });
});
