import { and, inArray, sql } from 'drizzle-orm';
import type { Queryable } from '../../db/client';
import { calculatorSubmissions, contentDownloads, demoBookings, events, type Lead, leadEvents, leads } from '../../db/schema';
import { type ContactFact, type LeadContact, mergeContact } from '../../domain/contact';
import { newId } from '../../domain/ids';
import { recordDeliveries } from '../../fanout/record-deliveries';
import type { DeliveryRequest } from '../../fanout/types';
import type { EventMessage } from '../../messages/events';
import type { ServiceContext } from '../context';
import { INBOUND_INTERACTIONS } from '../pipeline/analyze';
import { appendAudit } from '../pipeline/audit';
import { applyChangeIn } from '../pipeline/change';
import { planChatbotStep } from './chatbot';
import { planContentDownloaded } from './content-downloaded';
import { planDemoEvent } from './demo';
import { planLeadSubmitted } from './lead-submitted';
import type { EventPlan } from './plan';
import { planRoiCalculated } from './roi-calculated';
import { applyWebhookReceived } from './webhook-received';

export interface WrittenEvents {
  /** Events of the batch written by this call (the others were written before: a redelivery). */
  written: string[];
  /** Outbox rows created, to be put on the deliveries queue after the commit. */
  deliveryIds: string[];
}

function plan(ctx: ServiceContext, event: EventMessage): EventPlan | null {
  switch (event.type) {
    case 'lead.submitted':
      return planLeadSubmitted({ ctx, input: event });
    case 'roi.calculated':
      return planRoiCalculated({ ctx, input: event });
    case 'content.downloaded':
      return planContentDownloaded({ ctx, input: event });
    case 'demo.booked':
    case 'demo.cancelled':
    case 'demo.rescheduled':
    case 'demo.reminder_due':
      return planDemoEvent({ ctx, input: event });
    case 'chatbot.step':
      return planChatbotStep({ ctx, input: event });
    case 'webhook.received':
      return null;
  }
}

/**
 * Writes a batch of one workspace's events in the caller's transaction (`ctx.inWorkspace`), in a small number of statements
 * whatever the batch size: a lock and one read of the leads concerned, one multi-row upsert of the leads — the facts for one person
 * merged in memory by `mergeContact`, so first touch, newest data and consent come out as if each event
 * had been applied alone, in any order — then one insert each of history, calculations, downloads, booking
 * mirrors and deliveries, and last the ledger, with the lead of each event (GET /api/v1/events/{id}).
 * Every write is idempotent on the event, so a redelivered batch changes and sends nothing twice. A
 * verified CRM webhook is applied on its own (it locks and moves its lead).
 */
export async function writeEvents({ ctx, input }: { ctx: ServiceContext; input: EventMessage[] }): Promise<WrittenEvents> {
  if (input.length === 0) return { written: [], deliveryIds: [] };
  return ctx.inWorkspace((db) => writeIn(ctx, db, input));
}

async function writeIn(ctx: ServiceContext, db: Queryable, input: EventMessage[]): Promise<WrittenEvents> {
  const todo = [...new Map(input.map((e) => [e.id, e])).values()];
  const planned = todo.map((event) => ({ event, plan: plan(ctx, event) }));

  const byEmail = await upsertLeads(
    ctx,
    db,
    planned.flatMap((p) => (p.plan?.contact ? [{ ...p.plan.contact, businessDomain: p.plan.businessDomain }] : [])),
  );
  const leadOf = (p: EventPlan | null) => (p?.contact ? (byEmail.get(p.contact.contact.email_normalized) ?? null) : null);

  const history = planned.flatMap(({ event, plan: p }) => {
    const lead = leadOf(p);
    return p?.history && lead
      ? [
          {
            id: event.id,
            leadId: lead.id,
            type: p.history.type,
            source: p.history.source,
            payload: p.history.payload,
            occurredAt: new Date(event.occurred_at),
            requestId: event.request_id,
          },
        ]
      : [];
  });
  const added =
    history.length > 0
      ? await db
          .insert(leadEvents)
          .values(history)
          .onConflictDoNothing({ target: leadEvents.id })
          .returning({ id: leadEvents.id, leadId: leadEvents.leadId, type: leadEvents.type })
      : [];

  const calculations = planned.flatMap(({ event, plan: p }) => (p?.calculation ? [{ id: event.id, leadId: leadOf(p)?.id ?? null, ...p.calculation }] : []));
  if (calculations.length > 0) await db.insert(calculatorSubmissions).values(calculations).onConflictDoNothing({ target: calculatorSubmissions.id });

  const downloads = planned.flatMap(({ event, plan: p }) => {
    const lead = leadOf(p);
    return p?.download && lead ? [{ id: event.id, leadId: lead.id, ...p.download }] : [];
  });
  if (downloads.length > 0) await db.insert(contentDownloads).values(downloads).onConflictDoNothing({ target: contentDownloads.id });

  await mirrorBookings(
    db,
    planned.flatMap(({ plan: p }) => (p?.booking && leadOf(p) ? [{ ...p.booking, leadId: leadOf(p)!.id }] : [])),
  );

  const requests: Array<{ eventId: string; requests: DeliveryRequest[] }> = planned.map(({ event, plan: p }) => ({
    eventId: event.id,
    requests: p ? p.deliveries(leadOf(p)) : [],
  }));
  requests.push(...(await analysesDue(ctx, db, added)));
  // Verified CRM webhooks: each locks its webhook_events row and the leads it names, and writes what its
  // pipeline changes cause to the outbox itself (keyed by their audit entries).
  const changed: string[] = [];
  for (const event of todo) {
    if (event.type !== 'webhook.received') continue;
    changed.push(...(await applyWebhookReceived({ ctx, input: event })));
  }
  // The chatbot's moves (a handoff, a booked meeting: new → contacted), through the one state machine.
  const advanced = new Set<string>();
  for (const { event, plan: p } of planned) {
    const lead = leadOf(p);
    if (!p?.advance || !lead || lead.stage !== 'new' || advanced.has(lead.id)) continue;
    advanced.add(lead.id);
    const result = await applyChangeIn({ ...ctx, requestId: event.request_id }, db, {
      leadId: lead.id,
      action: { type: 'move_lead', to: p.advance.to },
      actor: { kind: 'chatbot', name: p.advance.actor },
      context: { event_id: event.id },
    });
    if (result.ok) changed.push(...result.deliveryIds);
  }
  const deliveryIds = [...(await recordDeliveries(db, requests)), ...changed];

  const written = await recordStored(db, todo, new Map(planned.map(({ event, plan: p }) => [event.id, leadOf(p)?.id ?? null])));
  return { written, deliveryIds };
}

/**
 * Every ANALYSIS_EVERY_N_INTERACTIONS new inbound interactions, a lead is analysed again in the
 * background: an `analysis` row in the outbox, keyed by the interaction that crossed the mark (so a
 * redelivered batch, which adds no history, asks for nothing). One count query for the whole batch.
 */
async function analysesDue(ctx: ServiceContext, db: Queryable, added: Array<{ id: string; leadId: string; type: string }>) {
  const every = ctx.config.pipeline.analyzeEvery;
  const inbound = added.filter((h) => INBOUND_INTERACTIONS.includes(h.type));
  if (every === 0 || inbound.length === 0) return [];
  const leadIds = [...new Set(inbound.map((h) => h.leadId))];
  const counts = await db
    .select({ leadId: leadEvents.leadId, n: sql<number>`count(*)::int` })
    .from(leadEvents)
    .where(and(inArray(leadEvents.leadId, leadIds), inArray(leadEvents.type, INBOUND_INTERACTIONS)))
    .groupBy(leadEvents.leadId);
  return counts.flatMap(({ leadId, n }) => {
    const mine = inbound.filter((h) => h.leadId === leadId);
    if (Math.floor(n / every) <= Math.floor((n - mine.length) / every)) return [];
    const request: DeliveryRequest = { destination: 'analysis', key: 'background', leadId, payload: { lead_id: leadId } };
    return [{ eventId: mine[mine.length - 1]!.id, requests: [request] }];
  });
}

/**
 * The ledger rows, written last with the lead each event concerns: new events, and failed ones being
 * replayed, become `stored`. An event already stored is left as it was and is not among those returned:
 * a redelivery. Everything written before it is idempotent on the event (history, rows and deliveries
 * keyed by its id; a fact merged twice into a lead changes nothing), so a redelivered event that gets
 * this far has changed nothing and sent nothing.
 */
async function recordStored(db: Queryable, batch: EventMessage[], leadIds: Map<string, string | null>): Promise<string[]> {
  const rows = await db
    .insert(events)
    .values(batch.map((e) => ({ id: e.id, type: e.type, state: 'stored' as const, leadId: leadIds.get(e.id) ?? null, occurredAt: new Date(e.occurred_at) })))
    .onConflictDoUpdate({
      target: events.id,
      set: { state: 'stored', reason: null, body: null, leadId: sql`excluded.lead_id`, recordedAt: sql`now()` },
      setWhere: sql`${events.state} = 'failed'`,
    })
    .returning({ id: events.id });
  return rows.map((r) => r.id);
}

const asContact = (l: Lead): LeadContact => ({
  email: l.email,
  name: l.name,
  company: l.company,
  companyDomain: l.companyDomain,
  phone: l.phone,
  firstSource: l.firstSource,
  firstTouch: l.firstTouch,
  lastTouch: l.lastTouch,
  consent: l.consent,
  stated: l.statedAt,
  lastSeenAt: l.lastSeenAt.getTime(),
  firstSeenAt: l.createdAt.getTime(),
});

/**
 * All the people of the batch in three statements: a transaction-scoped advisory lock per email (in a
 * fixed order, so two batches cannot deadlock; it also covers a person no row exists for yet), one read
 * of their leads, and one multi-row upsert of what `mergeContact` made of the leads and the batch's facts.
 * Holding the locks, the merge has seen the latest state of every one of them, so the upsert writes it as is.
 */
async function upsertLeads(ctx: ServiceContext, db: Queryable, facts: Array<ContactFact & { businessDomain?: string }>): Promise<Map<string, Lead>> {
  if (facts.length === 0) return new Map();
  const byEmail = new Map<string, Array<ContactFact & { businessDomain?: string }>>();
  for (const f of facts) byEmail.set(f.contact.email_normalized, [...(byEmail.get(f.contact.email_normalized) ?? []), f]);
  const emails = [...byEmail.keys()].sort();
  await lockPeople(db, emails);
  const existing = await db.select().from(leads).where(inArray(leads.emailNormalized, emails));
  const current = new Map(existing.map((l) => [l.emailNormalized, l]));

  const rows = [...byEmail].map(([emailNormalized, personFacts]) => {
    const before = current.get(emailNormalized);
    const merged = mergeContact(before ? asContact(before) : null, personFacts)!;
    return {
      id: before?.id ?? newId(),
      businessDomain: before?.businessDomain ?? personFacts.find((f) => f.businessDomain)?.businessDomain ?? null,
      emailNormalized,
      email: merged.email,
      name: merged.name,
      company: merged.company,
      companyDomain: merged.companyDomain,
      phone: merged.phone,
      firstSource: merged.firstSource,
      firstTouch: merged.firstTouch,
      lastTouch: merged.lastTouch,
      consent: merged.consent,
      statedAt: merged.stated,
      lastSeenAt: new Date(merged.lastSeenAt),
      createdAt: new Date(merged.firstSeenAt),
    };
  });
  const written = await db
    .insert(leads)
    .values(rows)
    .onConflictDoUpdate({
      target: [leads.workspaceId, leads.emailNormalized],
      set: {
        email: sql`excluded.email`,
        name: sql`excluded.name`,
        company: sql`excluded.company`,
        companyDomain: sql`excluded.company_domain`,
        phone: sql`excluded.phone`,
        firstSource: sql`excluded.first_source`,
        firstTouch: sql`excluded.first_touch`,
        lastTouch: sql`excluded.last_touch`,
        consent: sql`excluded.consent`,
        statedAt: sql`excluded.stated_at`,
        lastSeenAt: sql`excluded.last_seen_at`,
        createdAt: sql`excluded.created_at`,
        businessDomain: sql`coalesce(${leads.businessDomain}, excluded.business_domain)`,
        updatedAt: sql`now()`,
      },
    })
    .returning();
  // The audit log has every new lead and every change of contact data (which fields, never their values).
  await appendAudit(
    db,
    written.flatMap((after) => {
      const before = current.get(after.emailNormalized);
      const fields = before ? CONTACT_FIELDS.filter((f) => JSON.stringify(before[f]) !== JSON.stringify(after[f])) : [];
      if (before && fields.length === 0) return [];
      const source = byEmail.get(after.emailNormalized)?.[0]?.contact.touch.source ?? null;
      return [
        before
          ? { actor: 'public', action: 'contact_changed', leadId: after.id, requestId: ctx.requestId, data: { fields, source } }
          : { actor: 'public', action: 'lead_created', leadId: after.id, to: after.stage, requestId: ctx.requestId, data: { source } },
      ];
    }),
  );
  return new Map(written.map((l) => [l.emailNormalized, l]));
}

/** The contact data whose changes the audit log records. */
const CONTACT_FIELDS = ['email', 'name', 'company', 'companyDomain', 'phone', 'consent', 'businessDomain'] as const;

/**
 * Serializes every writer of a person's contact data for the rest of the transaction. Everything that
 * writes a lead's contact fields takes it first (the batch writer; a manager's edit).
 */
export async function lockPeople(db: Queryable, emailsNormalized: string[]): Promise<void> {
  if (emailsNormalized.length === 0) return;
  await db.execute(
    // Per workspace and person: the same address in two workspaces is two people.
    sql`SELECT pg_advisory_xact_lock(hashtextextended(current_setting('app.workspace_id', true) || '/' || e, 7210)) FROM unnest(${sql.param([...emailsNormalized].sort())}::text[]) AS e ORDER BY e`,
  );
}

/** The reporting mirror of the Scheduler's bookings: one row per booking, the highest SEQUENCE wins (queue order is not guaranteed). */
async function mirrorBookings(db: Queryable, changes: Array<NonNullable<EventPlan['booking']> & { leadId: string }>): Promise<void> {
  const latest = new Map<string, (typeof changes)[number]>();
  for (const c of changes) if ((latest.get(c.booking.id)?.booking.sequence ?? -1) < c.booking.sequence) latest.set(c.booking.id, c);
  if (latest.size === 0) return;
  const rows = [...latest.values()].map(({ booking: b, changedAt, leadId }) => ({
    id: b.id,
    leadId,
    hostId: b.host_id,
    startsAt: new Date(b.start),
    endsAt: new Date(b.end),
    status: b.status,
    sequence: b.sequence,
    visitorTimeZone: b.visitor_time_zone,
    notes: b.notes ?? null,
    bookedAt: new Date(b.created_at),
    cancelledAt: b.status === 'cancelled' ? new Date(changedAt) : null,
  }));
  await db
    .insert(demoBookings)
    .values(rows)
    .onConflictDoUpdate({
      target: demoBookings.id,
      set: {
        startsAt: sql`excluded.starts_at`,
        endsAt: sql`excluded.ends_at`,
        status: sql`excluded.status`,
        sequence: sql`excluded.sequence`,
        cancelledAt: sql`excluded.cancelled_at`,
        updatedAt: sql`now()`,
      },
      setWhere: sql`${demoBookings.sequence} < excluded.sequence`,
    });
}
