import { sql } from 'drizzle-orm';
import type { Queryable } from '../db/client';
import { leadEvents, leads, type Lead } from '../db/schema';
import { newId } from '../domain/ids';
import type { ContactCapture } from '../queues/event-messages';

/**
 * Creates or updates the lead for `contact` as of `occurredAt` and returns its id.
 * First touch is kept forever; contact data, last touch and consent follow the newest event, so an
 * older event that arrives late (a retried message) fills gaps but never overwrites newer data.
 */
export async function upsertLead(db: Queryable, contact: ContactCapture, occurredAt: string): Promise<string> {
  return (await upsertLeadRow(db, contact, occurredAt)).id;
}

/** upsertLead, returning the whole row as it is after the upsert. */
export async function upsertLeadRow(db: Queryable, contact: ContactCapture, occurredAt: string): Promise<Lead> {
  const at = new Date(occurredAt);
  const isNewer = sql`excluded.last_seen_at >= ${leads.lastSeenAt}`;
  const pick = (column: string) =>
    sql.raw(`CASE WHEN excluded.last_seen_at >= leads.last_seen_at THEN COALESCE(excluded.${column}, leads.${column}) ELSE COALESCE(leads.${column}, excluded.${column}) END`);
  const [row] = await db
    .insert(leads)
    .values({
      id: newId(),
      email: contact.email,
      emailNormalized: contact.email_normalized,
      name: contact.name ?? null,
      company: contact.company ?? null,
      companyDomain: contact.company_domain ?? null,
      phone: contact.phone ?? null,
      firstSource: contact.touch.source,
      firstTouch: contact.touch,
      lastTouch: contact.touch,
      consent: contact.consent ?? {},
      lastSeenAt: at,
      createdAt: at,
    })
    .onConflictDoUpdate({
      target: leads.emailNormalized,
      set: {
        email: sql`CASE WHEN ${isNewer} THEN excluded.email ELSE ${leads.email} END`,
        name: pick('name'),
        company: pick('company'),
        companyDomain: pick('company_domain'),
        phone: pick('phone'),
        lastTouch: sql`CASE WHEN ${isNewer} THEN excluded.last_touch ELSE ${leads.lastTouch} END`,
        consent: sql`CASE WHEN ${isNewer} THEN ${leads.consent} || excluded.consent ELSE excluded.consent || ${leads.consent} END`,
        lastSeenAt: sql`GREATEST(${leads.lastSeenAt}, excluded.last_seen_at)`,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  return row!;
}

export interface LeadEventRecord {
  id: string;
  leadId: string;
  type: string;
  source?: string | null;
  payload: Record<string, unknown>;
  occurredAt: string;
  requestId?: string;
}

/** Appends to the lead's history. Returns false when this event id was already recorded. */
export async function appendLeadEvent(db: Queryable, e: LeadEventRecord): Promise<boolean> {
  const inserted = await db
    .insert(leadEvents)
    .values({
      id: e.id,
      leadId: e.leadId,
      type: e.type,
      source: e.source ?? null,
      payload: e.payload,
      occurredAt: new Date(e.occurredAt),
      requestId: e.requestId ?? null,
    })
    .onConflictDoNothing({ target: leadEvents.id })
    .returning({ id: leadEvents.id });
  return inserted.length > 0;
}

/** Thrown inside an event's savepoint when the event was recorded before: the consumer acks it. */
export class AlreadyApplied extends Error {
  constructor(eventId: string) {
    super(`event ${eventId} already applied`);
    this.name = 'AlreadyApplied';
  }
}
