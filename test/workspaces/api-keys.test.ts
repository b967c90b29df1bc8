import { createHash } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { apiKeys } from '../../src/db/schema';
import { ADMIN_KEY, call, database } from '../support/api';
import { asKey, createWorkspace, keyWith, type TestWorkspace } from '../support/workspaces';

let ws: TestWorkspace;
beforeAll(async () => {
  ws = await createWorkspace('keys');
});

async function storedKey(id: string) {
  const { db, close } = database();
  try {
    return (await db.select().from(apiKeys).where(eq(apiKeys.id, id)))[0];
  } finally {
    await close();
  }
}

describe('API keys live in Postgres, hashed, scoped, and can expire and be revoked', () => {
  it('shows a new key once, keeps only its SHA-256, and lists it without the key', async () => {
    const res = await asKey(ws.adminKey, '/api/v1/api-keys', 'POST', { name: 'sales-dashboard', scopes: ['leads:read'] });
    expect(res.status).toBe(201);
    const made = (await res.json()) as { id: string; key: string; prefix: string; scopes: string[] };
    expect(made.key).toMatch(/^lg_[0-9a-f]{12}_[0-9a-f]{64}$/);
    expect(made.key.startsWith(made.prefix)).toBe(true);
    expect(res.headers.get('location')).toBe(`/api/v1/api-keys/${made.id}`);

    const row = await storedKey(made.id);
    expect(row!.hash).toBe(createHash('sha256').update(made.key).digest('hex'));
    expect(JSON.stringify(row)).not.toContain(made.key.slice(made.prefix.length + 1));

    const one = (await (await asKey(ws.adminKey, `/api/v1/api-keys/${made.id}`)).json()) as Record<string, unknown>;
    expect(one).toMatchObject({ id: made.id, name: 'sales-dashboard', scopes: ['leads:read'], revoked_at: null });
    expect(one).not.toHaveProperty('key');
    const listed = (await (await asKey(ws.adminKey, '/api/v1/api-keys')).json()) as { items: Array<Record<string, unknown>> };
    expect(listed.items.map((k) => k.id)).toContain(made.id);
    expect(JSON.stringify(listed)).not.toContain(made.key);
  });

  it('lets a key do what its scopes allow and answers 403 for the rest', async () => {
    const reader = await keyWith(ws, ['leads:read']);
    expect((await asKey(reader.key, '/api/v1/leads')).status).toBe(200);
    const denied = await asKey(reader.key, '/api/v1/benchmarks/saas', 'PUT', {
      expected_churn_reduction_percent: 1,
      implementation_cost: 1,
      time_to_value_months: 1,
    });
    expect(denied.status).toBe(403);
    expect(await denied.json()).toMatchObject({ status: 403, required_scope: 'settings:write' });
    expect((await asKey(reader.key, '/api/v1/api-keys')).status).toBe(403);
    expect((await asKey(reader.key, '/api/v1/settings')).status).toBe(403);
    const replayer = await keyWith(ws, ['deliveries:replay']);
    expect((await asKey(replayer.key, '/api/v1/leads')).status).toBe(403);
    expect((await asKey(replayer.key, '/api/v1/deliveries/replay', 'POST', { destination: 'crm' })).status).toBe(202);
  });

  it('refuses a revoked key at once, and an expired one, with 401', async () => {
    const key = await keyWith(ws, ['leads:read']);
    expect((await asKey(key.key, '/api/v1/leads')).status).toBe(200);
    const revoked = await asKey(ws.adminKey, `/api/v1/api-keys/${key.id}`, 'DELETE');
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as { revoked_at: string | null }).revoked_at).not.toBeNull();
    expect((await asKey(key.key, '/api/v1/leads')).status).toBe(401);

    const expiring = await keyWith(ws, ['leads:read'], { expires_at: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await asKey(expiring.key, '/api/v1/leads')).status).toBe(200);
    const { db, close } = database();
    try {
      await db.execute(sql`update api_keys set expires_at = now() - interval '1 second' where id = ${expiring.id}::uuid`);
    } finally {
      await close();
    }
    const expired = await asKey(expiring.key, '/api/v1/leads');
    expect(expired.status).toBe(401);
    expect(expired.headers.get('content-type')).toBe('application/problem+json');
  });

  it('refuses missing, unknown and malformed keys with 401, whatever they look like', async () => {
    const made = await keyWith(ws, ['leads:read']);
    const forged = `${made.key.slice(0, -1)}${made.key.endsWith('0') ? '1' : '0'}`;
    for (const header of [
      undefined,
      'Bearer',
      'Bearer ',
      `Bearer ${forged}`,
      'Bearer lg_000000000000_' + '0'.repeat(64),
      'Basic abc',
      `Bearer ${ADMIN_KEY}x`,
    ]) {
      const res = await call('/api/v1/leads', { headers: header === undefined ? {} : { authorization: header } });
      expect(res.status, header).toBe(401);
    }
  });

  it('refuses unknown scopes, a past expiry and an empty scope list with field errors', async () => {
    for (const [body, field] of [
      [{ name: 'x', scopes: ['leads:delete'] }, 'scopes.0'],
      [{ name: 'x', scopes: [] }, 'scopes'],
      [{ name: 'x', scopes: ['admin'], expires_at: '2020-01-01T00:00:00Z' }, 'expires_at'],
      [{ name: 'Has Spaces', scopes: ['admin'] }, 'name'],
    ] as const) {
      const res = await asKey(ws.adminKey, '/api/v1/api-keys', 'POST', body);
      expect(res.status).toBe(422);
      expect(((await res.json()) as { errors: Array<{ field: string }> }).errors.map((e) => e.field)).toContain(field);
    }
  });

  it('logs the key name as the actor (never the key), and records when a key was last used', async () => {
    const key = await keyWith(ws, ['leads:read']);
    const name = ((await (await asKey(ws.adminKey, `/api/v1/api-keys/${key.id}`)).json()) as { name: string }).name;
    expect((await storedKey(key.id))!.lastUsedAt).toBeNull();
    const lines: string[] = [];
    const spy = vi.spyOn(console, 'log').mockImplementation((line: unknown) => void lines.push(String(line)));
    try {
      await asKey(key.key, '/api/v1/leads');
    } finally {
      spy.mockRestore();
    }
    const entry = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'admin.request');
    expect(entry).toMatchObject({ actor: name, key_id: key.id, workspace: ws.slug, path: '/api/v1/leads' });
    expect(lines.join('\n')).not.toContain(key.key);
    expect((await storedKey(key.id))!.lastUsedAt).not.toBeNull();
  });
});
