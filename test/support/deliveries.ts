import { createExecutionContext, createMessageBatch, getQueueResult } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { eq, sql } from 'drizzle-orm';
import type { Database } from '../../src/db/client';
import { deliveries, deliveryAttempts } from '../../src/db/schema';
import { newId } from '../../src/domain/ids';
import { DEFAULT_WORKSPACE_ID } from '../../src/domain/workspace';
import type { DeliveryRequest } from '../../src/fanout/types';
import worker from '../../src/index';
import { uniqueEmail } from './api';
import { insertLead } from './leads';

/** A lead and one pending delivery row for it, not on any queue: the test drives the consumer itself. */
export async function pendingDelivery(db: Database, request: Omit<DeliveryRequest, 'leadId'> & { leadId?: string }) {
  const email = uniqueEmail('fanout');
  const _at = new Date().toISOString();
  const leadId = await insertLead(db, { email, name: 'Ada Lovelace', company: 'Analytical', companyDomain: 'acme-test.com' });
  const id = newId();
  await db.insert(deliveries).values({
    id,
    workspaceId: DEFAULT_WORKSPACE_ID,
    eventId: newId(),
    leadId,
    destination: request.destination,
    key: request.key ?? 'default',
    payload: request.payload as never,
  });
  return { id, leadId, email };
}

/** Runs the "deliveries" consumer on one message for `deliveryId`, as the Queue would deliver it. */
export function runDeliveryMessage(deliveryId: string, attempts = 1, copies = 1) {
  return runDeliveryBatch(
    Array.from({ length: copies }, () => deliveryId),
    attempts,
  );
}

/** Runs the "deliveries" consumer on one batch with a message per id. */
export async function runDeliveryBatch(deliveryIds: string[], attempts = 1) {
  const batch = createMessageBatch(
    'leadgate-deliveries',
    deliveryIds.map((id, i) => ({ id: `msg-${id}-${attempts}-${i}`, timestamp: new Date(), attempts, body: { delivery_id: id } })),
  );
  // The harness's result does not keep retry delays, so record them on the way through.
  const retryDelays: Array<number | undefined> = [];
  for (const msg of batch.messages) {
    const retry = msg.retry.bind(msg);
    Object.defineProperty(msg, 'retry', {
      value: (o?: QueueRetryOptions) => {
        retryDelays.push(o?.delaySeconds);
        return retry(o);
      },
    });
  }
  const ctx = createExecutionContext();
  await worker.queue!(batch as never, env, ctx);
  return { ...(await getQueueResult(batch, ctx)), retryDelays };
}

/** Lets time pass for one delivery: its scheduled retry is due now. */
export async function makeDue(db: Database, id: string) {
  await db.update(deliveries).set({ nextAttemptAt: sql`now() - interval '1 second'` }).where(eq(deliveries.id, id));
}

export async function deliveryRow(db: Database, id: string) {
  const [row] = await db.select().from(deliveries).where(eq(deliveries.id, id));
  return row!;
}

export async function attemptsOf(db: Database, id: string) {
  return db.select().from(deliveryAttempts).where(eq(deliveryAttempts.deliveryId, id)).orderBy(deliveryAttempts.attempt);
}
