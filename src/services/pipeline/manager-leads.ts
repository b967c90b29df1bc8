import { eq, sql } from 'drizzle-orm';
import { type Lead, leads } from '../../db/schema';
import type { StatedField } from '../../domain/contact';
import { companyDomainFromEmail, normalizeDomain, normalizeEmail } from '../../domain/email';
import { newId } from '../../domain/ids';
import type { ManagerSource } from '../../domain/pipeline';
import { crmContactSyncs } from '../../fanout/lead-fanout';
import { enqueueDeliveries, recordDeliveries } from '../../fanout/record-deliveries';
import { logger } from '../../logger';
import type { ServiceContext } from '../context';
import { invalidField, ServiceError } from '../errors';
import { lockPeople } from '../events/write-events';
import { appendAudit } from './audit';

export interface ManagedLeadInput {
  email: string;
  name?: string;
  company?: string;
  companyDomain?: string;
  phone?: string;
  source: ManagerSource;
  businessDomain?: string;
  note?: string;
}

function checkBusinessDomain(ctx: ServiceContext, value: string | null | undefined): void {
  if (value && !ctx.config.pipeline.businessDomains.includes(value))
    throw invalidField('business_domain', 'invalid_enum_value', `must be one of ${ctx.config.pipeline.businessDomains.join(', ')}`);
}

/**
 * A lead a manager records (a partner's introduction, a call at an event): written at once, in the
 * workspace, with its creation in the audit log and the CRMs told; no captcha, the API key vouches.
 * An address that is already a lead is refused with 409 and that lead's id.
 */
export async function createManagedLead({ ctx, input }: { ctx: ServiceContext; input: ManagedLeadInput }): Promise<Lead> {
  checkBusinessDomain(ctx, input.businessDomain);
  const emailNormalized = normalizeEmail(input.email);
  const { lead, deliveryIds } = await ctx.inWorkspace(async (db) => {
    await lockPeople(db, [emailNormalized]);
    const [existing] = await db.select({ id: leads.id }).from(leads).where(eq(leads.emailNormalized, emailNormalized)).limit(1);
    if (existing) throw new ServiceError('conflict', { detail: 'A lead with this email exists already.', extra: { lead_id: existing.id } });
    const now = new Date();
    const touch = { source: input.source, at: now.toISOString() };
    const stated: Partial<Record<StatedField, number>> = { email: now.getTime() };
    if (input.name) stated.name = now.getTime();
    if (input.company) stated.company = now.getTime();
    if (input.phone) stated.phone = now.getTime();
    if (input.companyDomain) stated.company_domain = now.getTime();
    const [row] = await db
      .insert(leads)
      .values({
        id: newId(),
        email: input.email.trim(),
        emailNormalized,
        name: input.name ?? null,
        company: input.company ?? null,
        companyDomain: input.companyDomain ? normalizeDomain(input.companyDomain) : companyDomainFromEmail(input.email),
        phone: input.phone ?? null,
        businessDomain: input.businessDomain ?? null,
        firstSource: input.source,
        firstTouch: touch,
        lastTouch: touch,
        consent: {},
        statedAt: stated,
        lastSeenAt: now,
        createdAt: now,
      })
      .returning();
    const [auditId] = await appendAudit(db, [
      {
        actor: ctx.actor,
        action: 'lead_created',
        leadId: row!.id,
        to: 'new',
        reason: input.note ?? null,
        requestId: ctx.requestId,
        data: { source: input.source },
      },
    ]);
    const ids = await recordDeliveries(db, [{ eventId: auditId!, requests: crmContactSyncs(ctx.config.crm, row!) }]);
    return { lead: row!, deliveryIds: ids };
  });
  await ctx.inWorkspace((db) => enqueueDeliveries(db, ctx.env, ctx.workspace.id, deliveryIds));
  logger.info('lead.created_by_manager', { request_id: ctx.requestId, actor: ctx.actor, lead_id: lead.id, source: input.source });
  return lead;
}

export interface ContactEdit {
  name?: string | null;
  company?: string | null;
  companyDomain?: string | null;
  phone?: string | null;
  businessDomain?: string | null;
}

const EDITABLE: Array<{ key: keyof ContactEdit; column: 'name' | 'company' | 'companyDomain' | 'phone' | 'businessDomain'; stated?: StatedField }> = [
  { key: 'name', column: 'name', stated: 'name' },
  { key: 'company', column: 'company', stated: 'company' },
  { key: 'companyDomain', column: 'companyDomain', stated: 'company_domain' },
  { key: 'phone', column: 'phone', stated: 'phone' },
  { key: 'businessDomain', column: 'businessDomain' },
];

/**
 * A manager's edit of contact data, with If-Match: the version read must still be current. Each edited
 * field is stamped as stated now, so a form submitted earlier and arriving late does not undo the edit;
 * the audit log names the fields changed (never their values).
 */
export async function editLeadContact({
  ctx,
  input,
}: {
  ctx: ServiceContext;
  input: { leadId: string; expectedVersion: number; edit: ContactEdit };
}): Promise<Lead> {
  checkBusinessDomain(ctx, input.edit.businessDomain);
  const { lead, deliveryIds } = await ctx.inWorkspace(async (db) => {
    const [current] = await db.select().from(leads).where(eq(leads.id, input.leadId)).limit(1);
    if (!current) throw new ServiceError('not_found', { detail: 'No lead with this id.' });
    await lockPeople(db, [current.emailNormalized]);
    const [locked] = await db.select().from(leads).where(eq(leads.id, input.leadId)).for('update').limit(1);
    if (locked!.version !== input.expectedVersion)
      throw new ServiceError('precondition_failed', {
        detail: `The lead is at version ${locked!.version}, not ${input.expectedVersion}: read it again.`,
        extra: { version: locked!.version },
      });
    const now = Date.now();
    const set: Partial<Record<(typeof EDITABLE)[number]['column'], string | null>> = {};
    const stated = { ...locked!.statedAt };
    const fields: string[] = [];
    for (const f of EDITABLE) {
      if (!(f.key in input.edit)) continue;
      const raw = input.edit[f.key] ?? null;
      const value = f.key === 'companyDomain' && raw ? normalizeDomain(raw) : raw;
      if (value === locked![f.column]) continue;
      set[f.column] = value;
      if (f.stated) stated[f.stated] = now;
      fields.push(f.key === 'companyDomain' ? 'company_domain' : f.key === 'businessDomain' ? 'business_domain' : f.key);
    }
    if (fields.length === 0) return { lead: locked!, deliveryIds: [] as string[] };
    const [row] = await db
      .update(leads)
      .set({ ...set, statedAt: stated, version: sql`${leads.version} + 1`, updatedAt: new Date(now) })
      .where(eq(leads.id, input.leadId))
      .returning();
    const [auditId] = await appendAudit(db, [{ actor: ctx.actor, action: 'contact_changed', leadId: row!.id, requestId: ctx.requestId, data: { fields } }]);
    const ids = await recordDeliveries(db, [{ eventId: auditId!, requests: crmContactSyncs(ctx.config.crm, row!) }]);
    return { lead: row!, deliveryIds: ids };
  });
  await ctx.inWorkspace((db) => enqueueDeliveries(db, ctx.env, ctx.workspace.id, deliveryIds));
  return lead;
}
