import { and, asc, desc, eq, gte, lt, type SQL, sql } from 'drizzle-orm';
import { keysetPage, type Page } from '../db/paging';
import { type Analysis, type AuditEntry, analyses, auditLog, type Lead, type LeadEvent, leadEvents, leads, type Sale, sales } from '../db/schema';
import { normalizeEmail } from '../domain/email';
import { bandOf, SCORE_BANDS } from '../domain/scoring';
import type { ServiceContext } from './context';
import { ServiceError } from './errors';

export interface LeadDetail {
  lead: Lead;
  sale: Sale | null;
  latestAnalysis: Analysis | null;
  events: LeadEvent[];
  changes: AuditEntry[];
}

/** A lead with its sale, its latest analysis, its history (interactions) and its audited changes. */
export async function getLeadWithHistory({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<LeadDetail | null> {
  return ctx.inWorkspace(async (db) => {
    const [lead] = await db.select().from(leads).where(eq(leads.id, input.id)).limit(1);
    if (!lead) return null;
    const [[sale], [latest], events, changes] = await Promise.all([
      db.select().from(sales).where(eq(sales.leadId, lead.id)).limit(1),
      db.select().from(analyses).where(eq(analyses.leadId, lead.id)).orderBy(desc(analyses.createdAt)).limit(1),
      db.select().from(leadEvents).where(eq(leadEvents.leadId, input.id)).orderBy(asc(leadEvents.occurredAt), asc(leadEvents.id)),
      db.select().from(auditLog).where(eq(auditLog.leadId, input.id)).orderBy(asc(auditLog.seq)).limit(200),
    ]);
    return { lead, sale: sale ?? null, latestAnalysis: latest ?? null, events, changes };
  });
}

export interface LeadFilter {
  email?: string;
  source?: string;
  since?: Date;
  stage?: string;
  businessDomain?: string;
  /** Only leads whose latest analysis scored at least this. */
  scoreMin?: number;
  /** Id of the last lead of the previous page (ids are UUIDv7, so they sort by creation). */
  after?: string;
  limit: number;
}

/** Newest first, keyset-paginated. */
export async function listLeads({ ctx, input: f }: { ctx: ServiceContext; input: LeadFilter }): Promise<Page<Lead>> {
  const where: SQL[] = [];
  if (f.email) where.push(eq(leads.emailNormalized, normalizeEmail(f.email)));
  if (f.source) where.push(eq(leads.firstSource, f.source));
  if (f.since) where.push(gte(leads.createdAt, f.since));
  if (f.stage) where.push(eq(leads.stage, f.stage));
  if (f.businessDomain) where.push(eq(leads.businessDomain, f.businessDomain));
  if (f.scoreMin !== undefined) where.push(gte(leads.score, f.scoreMin));
  if (f.after) where.push(lt(leads.id, f.after));
  const rows = await ctx.inWorkspace((db) =>
    db
      .select()
      .from(leads)
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(leads.id))
      .limit(f.limit + 1),
  );
  return keysetPage(rows, f.limit);
}

export async function listSales({ ctx, input: f }: { ctx: ServiceContext; input: { stage?: string; after?: string; limit: number } }): Promise<Page<Sale>> {
  const where: SQL[] = [];
  if (f.stage) where.push(eq(sales.stage, f.stage));
  if (f.after) where.push(lt(sales.id, f.after));
  const rows = await ctx.inWorkspace((db) =>
    db
      .select()
      .from(sales)
      .where(where.length ? and(...where) : undefined)
      .orderBy(desc(sales.id))
      .limit(f.limit + 1),
  );
  return keysetPage(rows, f.limit);
}

export async function getSale({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<{ sale: Sale; lead: Lead; changes: AuditEntry[] }> {
  return ctx.inWorkspace(async (db) => {
    const [sale] = await db.select().from(sales).where(eq(sales.id, input.id)).limit(1);
    if (!sale) throw new ServiceError('not_found', { detail: 'No sale with this id.' });
    const [[lead], changes] = await Promise.all([
      db.select().from(leads).where(eq(leads.id, sale.leadId)).limit(1),
      db.select().from(auditLog).where(eq(auditLog.saleId, sale.id)).orderBy(asc(auditLog.seq)),
    ]);
    return { sale, lead: lead!, changes };
  });
}

export interface ScoreBand {
  band: string;
  transferred: number;
  paid: number;
  lost: number;
  open: number;
}

/**
 * The feedback loop: per band of the score leads had when they were transferred, how many were
 * transferred and how their sales ended. Whether the transfer threshold is right shows here.
 */
export async function scoringAnalytics({
  ctx,
}: {
  ctx: ServiceContext;
  input?: undefined;
}): Promise<{ threshold: number; bands: ScoreBand[]; unscored: ScoreBand }> {
  const rows = await ctx.inWorkspace((db) =>
    db.select({ score: sales.scoreAtTransfer, stage: sales.stage, n: sql<number>`count(*)::int` }).from(sales).groupBy(sales.scoreAtTransfer, sales.stage),
  );
  const empty = (band: string): ScoreBand => ({ band, transferred: 0, paid: 0, lost: 0, open: 0 });
  const bands = new Map(SCORE_BANDS.map((b) => [bandOf(b), empty(bandOf(b))]));
  const unscored = empty('unscored');
  for (const r of rows) {
    const band = r.score === null ? unscored : bands.get(bandOf(r.score))!;
    band.transferred += r.n;
    if (r.stage === 'paid') band.paid += r.n;
    else if (r.stage === 'lost') band.lost += r.n;
    else band.open += r.n;
  }
  return { threshold: ctx.config.pipeline.transferMinScore, bands: [...bands.values()], unscored };
}
