import { and, asc, eq } from 'drizzle-orm';
import { auditLog, deliveries, webhookEvents } from '../../src/db/schema';
import { newId } from '../../src/domain/ids';
import { eventually, withTestDatabase } from '../support/api';
import { saleOf } from '../support/leads';

export interface Receipt {
  id: string;
  duplicate: boolean;
}

/** Waits until the events consumer has decided what the webhook event did. */
export const settled = (webhookEventId: string) =>
  withTestDatabase((db) =>
    eventually(async () => {
      const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, webhookEventId));
      return row && row.outcome !== 'pending' ? row : null;
    }),
  );

/** The lead's audit log (its changes, its sale's, and every refusal), oldest first. */
export const auditOf = (leadId: string) => withTestDatabase((db) => db.select().from(auditLog).where(eq(auditLog.leadId, leadId)).orderBy(asc(auditLog.seq)));

/** The audit log as `action from→to` lines (just `action` when it names no stages), a whole history at a glance. */
export const auditTrail = async (leadId: string) =>
  (await auditOf(leadId)).map((e) => (e.from === null && e.to === null ? e.action : `${e.action} ${e.from ?? ''}→${e.to ?? ''}`));

/** The lead's sale, if a manager transferred it (null otherwise). */
export const saleFor = (leadId: string) => withTestDatabase((db) => saleOf(db, leadId));

/** The product's `lead.trial_unlocked` notifications in the outbox. */
export const trialNotifications = (leadId: string) =>
  withTestDatabase((db) =>
    db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.leadId, leadId), eq(deliveries.destination, 'webhook'), eq(deliveries.key, 'trial_unlocked'))),
  );

/** The pipeline subscriber's signed events in the outbox (`pipeline:<type>`). */
export const pipelineNotifications = async (leadId: string) =>
  (
    await withTestDatabase((db) =>
      db
        .select()
        .from(deliveries)
        .where(and(eq(deliveries.leadId, leadId), eq(deliveries.destination, 'webhook'))),
    )
  ).filter((d) => d.key.startsWith('pipeline:'));

/** What Leadgate's CRM sync records when a CRM accepted a contact: the CRM's id of it. */
export const recordCrmSync = (leadId: string, provider: string, reference: string): Promise<void> =>
  withTestDatabase(async (db) => {
    await db.insert(deliveries).values({
      id: newId(),
      eventId: newId(),
      leadId,
      destination: 'crm',
      key: provider,
      payload: {},
      status: 'delivered',
      deliveredAt: new Date(),
      providerReference: reference,
    });
  });

export const rowsFor = (provider: string) => withTestDatabase((db) => db.select().from(webhookEvents).where(eq(webhookEvents.provider, provider)));

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
