import { eq } from 'drizzle-orm';
import type { Queryable } from '../../src/db/client';
import { leads, sales } from '../../src/db/schema';
import { normalizeEmail } from '../../src/domain/email';
import { newId } from '../../src/domain/ids';
import type { LeadStage, SaleStage } from '../../src/domain/pipeline';
import { DEFAULT_WORKSPACE_ID } from '../../src/domain/workspace';

/**
 * A lead written straight to Postgres (as the events consumer would leave it), so each test owns its
 * data. `sale` gives it a sale in that stage (the lead is then `transferred`).
 */
export async function insertLead(
  db: Queryable,
  fields: {
    email: string;
    name?: string;
    company?: string;
    companyDomain?: string | null;
    phone?: string;
    source?: string;
    stage?: LeadStage;
    businessDomain?: string;
    sale?: SaleStage;
    workspaceId?: string;
  },
): Promise<string> {
  const at = new Date();
  const touch = { source: fields.source ?? 'pricing', at: at.toISOString() };
  const workspaceId = fields.workspaceId ?? DEFAULT_WORKSPACE_ID;
  const [row] = await db
    .insert(leads)
    .values({
      id: newId(),
      workspaceId,
      email: fields.email,
      emailNormalized: normalizeEmail(fields.email),
      name: fields.name ?? null,
      company: fields.company ?? null,
      companyDomain: fields.companyDomain ?? null,
      phone: fields.phone ?? null,
      stage: fields.sale ? 'transferred' : (fields.stage ?? 'new'),
      businessDomain: fields.businessDomain ?? null,
      firstSource: touch.source,
      firstTouch: touch,
      lastTouch: touch,
      consent: {},
      lastSeenAt: at,
      createdAt: at,
    })
    .returning({ id: leads.id });
  if (fields.sale) await db.insert(sales).values({ id: newId(), workspaceId, leadId: row!.id, stage: fields.sale });
  return row!.id;
}

/** The sale of a lead, if it has one. */
export async function saleOf(db: Queryable, leadId: string) {
  return (await db.select().from(sales).where(eq(sales.leadId, leadId)))[0] ?? null;
}
