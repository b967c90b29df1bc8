import { sql } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { appDatabase, call, database, uniqueEmail } from '../support/api';
import { asKey, createWorkspace, keyWith, type TestWorkspace } from '../support/workspaces';

/** A workspace with some audited history: leads created and moved by a manager. */
async function workspaceWithHistory(name: string, leads = 3): Promise<{ ws: TestWorkspace; key: string }> {
  const ws = await createWorkspace(name);
  const { key } = await keyWith(ws, ['leads:read', 'leads:write', 'pipeline:write']);
  for (let i = 0; i < leads; i++) {
    const lead = (await (await asKey(key, '/api/v1/leads', 'POST', { source: 'manual', email: uniqueEmail(name) })).json()) as { id: string };
    const moved = await callWithIfMatch(key, `/api/v1/leads/${lead.id}/stage`, { stage: 'contacted' }, 1);
    expect(moved.status).toBe(200);
  }
  return { ws, key };
}

function callWithIfMatch(key: string, path: string, body: unknown, version: number) {
  return call(path, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json', 'if-match': `"${version}"` },
    body: JSON.stringify(body),
  });
}

/** As the database owner with triggers off for this transaction: what only someone with the keys to Postgres could do. */
async function tamper(workspaceId: string, statement: ReturnType<typeof sql>) {
  const { db, close } = database();
  try {
    await db.transaction(async (tx) => {
      await tx.execute(sql`set local session_replication_role = replica`);
      await tx.execute(sql`select set_config('app.workspace_id', ${workspaceId}, true)`);
      await tx.execute(statement);
    });
  } finally {
    await close();
  }
}

const verify = async (key: string) =>
  (await (await asKey(key, '/api/v1/audit/verify')).json()) as { ok: boolean; entries: number; broken: { seq: number; problem: string } | null };

describe('the audit log is append-only and hash-chained', () => {
  it('refuses UPDATE and DELETE from the app role, and from the owner while the triggers stand', async () => {
    const { ws } = await workspaceWithHistory('append', 1);
    const app = appDatabase();
    try {
      for (const statement of [sql`update audit_log set reason = 'rewritten'`, sql`delete from audit_log`]) {
        await expect(
          app.db.transaction(async (tx) => {
            await tx.execute(sql`select set_config('app.workspace_id', ${ws.id}, true)`);
            await tx.execute(statement);
          }),
        ).rejects.toSatisfy((e: Error & { cause?: Error }) => /permission denied/.test(`${e.cause?.message ?? e.message}`));
      }
    } finally {
      await app.close();
    }
    const owner = database();
    try {
      await expect(owner.db.execute(sql`update audit_log set reason = 'rewritten' where workspace_id = ${ws.id}::uuid`)).rejects.toSatisfy(
        (e: Error & { cause?: Error }) => /append-only/.test(`${e.cause?.message ?? e.message}`),
      );
      await expect(owner.db.execute(sql`delete from audit_log where workspace_id = ${ws.id}::uuid`)).rejects.toSatisfy((e: Error & { cause?: Error }) =>
        /append-only/.test(`${e.cause?.message ?? e.message}`),
      );
    } finally {
      await owner.close();
    }
  });

  it('finds an entry changed behind the triggers, naming it', async () => {
    const { ws, key } = await workspaceWithHistory('forged');
    expect(await verify(key)).toMatchObject({ ok: true, entries: 6, broken: null });
    await tamper(ws.id, sql`update audit_log set reason = 'nothing to see here' where workspace_id = ${ws.id}::uuid and seq = 4`);
    expect(await verify(key)).toMatchObject({ ok: false, broken: { seq: 4, problem: expect.stringContaining('content') } });
  });

  it('finds an entry removed from the middle, and entries removed from the end', async () => {
    const middle = await workspaceWithHistory('gap');
    await tamper(middle.ws.id, sql`delete from audit_log where workspace_id = ${middle.ws.id}::uuid and seq = 3`);
    expect(await verify(middle.key)).toMatchObject({ ok: false, broken: { seq: 4, problem: 'entry 3 is missing before this one' } });

    const tail = await workspaceWithHistory('tail');
    await tamper(tail.ws.id, sql`delete from audit_log where workspace_id = ${tail.ws.id}::uuid and seq >= 5`);
    expect(await verify(tail.key)).toMatchObject({ ok: false, broken: { problem: expect.stringContaining('entries were removed') } });
  });

  it('finds a forged entry inserted with a hash of its own', async () => {
    const { ws, key } = await workspaceWithHistory('inserted', 1);
    await tamper(
      ws.id,
      sql`insert into audit_log (workspace_id, seq, id, actor, action, request_id, prev_hash, hash)
          select ${ws.id}::uuid, 3, gen_random_uuid(), 'mallory', 'lead_stage_changed', 'x', h.hash, repeat('0', 64) from audit_heads h where h.workspace_id = ${ws.id}::uuid`,
    );
    expect(await verify(key)).toMatchObject({ ok: false, broken: { seq: 3 } });
  });

  it('keeps one unbroken chain when many writers append at once', async () => {
    const ws = await createWorkspace('concurrent');
    const { key } = await keyWith(ws, ['leads:read', 'leads:write', 'pipeline:write']);
    const created = await Promise.all(
      Array.from({ length: 12 }, () =>
        asKey(key, '/api/v1/leads', 'POST', { source: 'event', email: uniqueEmail('writer') }).then((r) => r.json() as Promise<{ id: string }>),
      ),
    );
    await Promise.all(created.map((l) => callWithIfMatch(key, `/api/v1/leads/${l.id}/stage`, { stage: 'contacted' }, 1)));
    const result = await verify(key);
    expect(result).toMatchObject({ ok: true, entries: 24, broken: null });
    const { db, close } = database();
    try {
      const { rows } = await db.execute<{ n: number; distinct_seq: number; max: number }>(
        sql`select count(*)::int as n, count(distinct seq)::int as distinct_seq, max(seq)::int as max from audit_log where workspace_id = ${ws.id}::uuid`,
      );
      expect(rows[0]).toEqual({ n: 24, distinct_seq: 24, max: 24 });
    } finally {
      await close();
    }
  });
});
