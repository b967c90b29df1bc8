import { asc, eq, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client';
import { type AuditEntry, auditLog } from '../../db/schema';
import { newId } from '../../domain/ids';
import type { ServiceContext } from '../context';

/** One entry of the audit log: who did what to which lead or sale, from where to where, and why. */
export interface AuditInput {
  actor: string;
  action: string;
  leadId?: string | null;
  saleId?: string | null;
  from?: string | null;
  to?: string | null;
  reason?: string | null;
  requestId: string;
  data?: Record<string, unknown>;
}

/**
 * Appends entries in the caller's transaction, so an entry exists exactly when its change does. The
 * database chains them (migration 0009: sequence, previous hash and hash set by the insert trigger under
 * the workspace's lock) and refuses any later UPDATE or DELETE. Returns the entries' ids, in order.
 */
export async function appendAudit(db: Queryable, entries: AuditInput[]): Promise<string[]> {
  if (entries.length === 0) return [];
  const rows = entries.map((e) => ({
    id: newId(),
    actor: e.actor,
    action: e.action,
    leadId: e.leadId ?? null,
    saleId: e.saleId ?? null,
    from: e.from ?? null,
    to: e.to ?? null,
    reason: e.reason?.slice(0, 1000) ?? null,
    requestId: e.requestId,
    data: e.data ?? {},
  }));
  await db.insert(auditLog).values(rows);
  return rows.map((r) => r.id);
}

/** Every entry about one lead (and its sale), oldest first. */
export async function leadAudit({ ctx, input }: { ctx: ServiceContext; input: { leadId: string } }): Promise<AuditEntry[]> {
  return ctx.inWorkspace((db) => db.select().from(auditLog).where(eq(auditLog.leadId, input.leadId)).orderBy(asc(auditLog.seq)));
}

export interface ChainCheck {
  entries: number;
  ok: boolean;
  broken?: { seq: number; id: string | null; problem: string };
}

/** Recomputes the workspace's chain in Postgres (leadgate_audit_verify, the same function the CLI calls). */
export async function verifyAudit({ ctx }: { ctx: ServiceContext; input?: undefined }): Promise<ChainCheck> {
  const { rows } = await ctx.inWorkspace((db) =>
    db.execute<{ entries: string; broken_seq: string | null; broken_id: string | null; problem: string | null }>(sql`select * from leadgate_audit_verify()`),
  );
  const r = rows[0]!;
  return r.problem
    ? { entries: Number(r.entries), ok: false, broken: { seq: Number(r.broken_seq), id: r.broken_id, problem: r.problem } }
    : { entries: Number(r.entries), ok: true };
}
