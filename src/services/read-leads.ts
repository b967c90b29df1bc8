import { and, asc, desc, eq, gte, lt, type SQL } from 'drizzle-orm';
import { keysetPage, type Page } from '../db/paging';
import { type Lead, type LeadEvent, leadEvents, leads } from '../db/schema';
import { normalizeEmail } from '../domain/email';
import type { ServiceContext } from './context';

export async function getLeadWithHistory({ ctx, input }: { ctx: ServiceContext; input: { id: string } }): Promise<{ lead: Lead; events: LeadEvent[] } | null> {
  return ctx.inWorkspace(async (db) => {
    const [lead] = await db.select().from(leads).where(eq(leads.id, input.id)).limit(1);
    if (!lead) return null;
    const events = await db.select().from(leadEvents).where(eq(leadEvents.leadId, input.id)).orderBy(asc(leadEvents.occurredAt), asc(leadEvents.id));
    return { lead, events };
  });
}

export interface LeadFilter {
  email?: string;
  source?: string;
  since?: Date;
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
