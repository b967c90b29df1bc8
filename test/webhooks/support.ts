import { and, eq } from 'drizzle-orm';
import { deliveries, leadEvents, webhookEvents } from '../../src/db/schema';
import { newId } from '../../src/domain/ids';
import { database, eventually } from '../support/api';

export interface Receipt {
  id: string;
  duplicate: boolean;
}

/** Waits until the events consumer has decided what the webhook event did. */
export async function settled(webhookEventId: string) {
  const { db, close } = database();
  try {
    return await eventually(async () => {
      const [row] = await db.select().from(webhookEvents).where(eq(webhookEvents.id, webhookEventId));
      return row && row.outcome !== 'pending' ? row : null;
    });
  } finally {
    await close();
  }
}

export async function historyOf(leadId: string) {
  const { db, close } = database();
  try {
    return await db.select().from(leadEvents).where(eq(leadEvents.leadId, leadId));
  } finally {
    await close();
  }
}

export async function trialNotifications(leadId: string) {
  const { db, close } = database();
  try {
    return await db.select().from(deliveries).where(and(eq(deliveries.leadId, leadId), eq(deliveries.destination, 'webhook')));
  } finally {
    await close();
  }
}

/** What Leadgate's CRM sync records when a CRM accepted a contact: the CRM's id of it. */
export async function recordCrmSync(leadId: string, provider: string, reference: string): Promise<void> {
  const { db, close } = database();
  try {
    await db.insert(deliveries).values({
      id: newId(), eventId: newId(), leadId, destination: 'crm', key: provider, payload: {},
      status: 'delivered', deliveredAt: new Date(), providerReference: reference,
    });
  } finally {
    await close();
  }
}

export async function rowsFor(provider: string) {
  const { db, close } = database();
  try {
    return await db.select().from(webhookEvents).where(eq(webhookEvents.provider, provider));
  } finally {
    await close();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
