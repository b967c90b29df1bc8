import { and, eq } from 'drizzle-orm';
import { deliveries, leadEvents, webhookEvents } from '../../src/db/schema';
import { newId } from '../../src/domain/ids';
import { eventually, withTestDatabase } from '../support/api';

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

export const historyOf = (leadId: string) => withTestDatabase((db) => db.select().from(leadEvents).where(eq(leadEvents.leadId, leadId)));

export const trialNotifications = (leadId: string) =>
  withTestDatabase((db) =>
    db
      .select()
      .from(deliveries)
      .where(and(eq(deliveries.leadId, leadId), eq(deliveries.destination, 'webhook'))),
  );

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
