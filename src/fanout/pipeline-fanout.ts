import type { Config } from '../config';
import type { Lead, Sale } from '../db/schema';
import { crmContact, salesNotification } from './lead-fanout';
import type { DeliveryRequest } from './types';

/** The outbound pipeline events (signed Standard Webhooks to the workspace's pipeline subscriber). */
export type PipelineEventType = 'lead.stage_changed' | 'lead.transferred' | 'sale.stage_changed' | 'lead.score_changed';

/** One pipeline event, if the workspace has a subscriber for it. The key makes it one delivery per fact. */
export function pipelineEvent(config: Config['pipeline'], type: PipelineEventType, leadId: string, data: Record<string, unknown>): DeliveryRequest[] {
  if (!config.webhook.url || !(config.webhook.events as readonly string[]).includes(type)) return [];
  return [{ destination: 'webhook', key: `pipeline:${type}`, leadId, payload: { type, data: { lead_id: leadId, ...data } } }];
}

/** The sale as the CRMs' deal: Pipedrive opens, wins or loses it; HubSpot moves the contact's lifecycle. */
function crmDealSyncs(crm: Config['crm'], lead: Lead, sale: Sale): DeliveryRequest[] {
  const status = sale.stage === 'paid' ? 'won' : sale.stage === 'lost' ? 'lost' : 'open';
  const title = lead.company ?? lead.companyDomain ?? lead.email;
  return crm.providers.map((provider) => ({
    destination: 'crm',
    key: provider,
    leadId: lead.id,
    payload: { kind: 'deal', contact: crmContact(lead, sale), deal: { saleId: sale.id, title, status, stage: sale.stage } },
  }));
}

export interface AppliedChange {
  lead: Lead;
  sale: Sale | null;
  leadMove?: { from: string; to: string };
  saleMove?: { from: string | null; to: string };
  transferred?: { score: number | null; note?: string; actor: string };
  /** The sale became paid for the first time: the product unlocks the trial. */
  unlocksTrial: boolean;
  actor: string;
  auditId: string;
  at: Date;
}

/**
 * What a pipeline change causes, all through the outbox: the CRMs learn the new stage (a Pipedrive deal
 * once there is a sale), sales hears of a transfer, the subscriber gets the signed events, and a first
 * payment unlocks the product trial.
 */
export function pipelineDeliveries(config: Config, c: AppliedChange): DeliveryRequest[] {
  const out: DeliveryRequest[] = [];
  const base = { actor: c.actor, audit_id: c.auditId, at: c.at.toISOString() };
  if (c.sale) out.push(...crmDealSyncs(config.crm, c.lead, c.sale));
  else
    out.push(
      ...config.crm.providers.map(
        (provider): DeliveryRequest => ({ destination: 'crm', key: provider, leadId: c.lead.id, payload: { kind: 'contact', contact: crmContact(c.lead) } }),
      ),
    );
  if (c.leadMove)
    out.push(
      ...pipelineEvent(config.pipeline, 'lead.stage_changed', c.lead.id, { ...base, from: c.leadMove.from, to: c.leadMove.to, version: c.lead.version }),
    );
  if (c.transferred && c.sale) {
    out.push(
      salesNotification(config.email, c.lead, 'transfer', {
        stage: 'transferred',
        sale_id: c.sale.id,
        score: c.transferred.score,
        note: c.transferred.note ?? null,
        transferred_by: c.actor,
      }),
    );
    out.push(...pipelineEvent(config.pipeline, 'lead.transferred', c.lead.id, { ...base, sale_id: c.sale.id, score: c.transferred.score }));
  }
  if (c.saleMove && c.sale && c.saleMove.from !== null)
    out.push(
      ...pipelineEvent(config.pipeline, 'sale.stage_changed', c.lead.id, {
        ...base,
        sale_id: c.sale.id,
        from: c.saleMove.from,
        to: c.saleMove.to,
        version: c.sale.version,
      }),
    );
  if (c.unlocksTrial)
    out.push({
      destination: 'webhook',
      key: 'trial_unlocked',
      leadId: c.lead.id,
      payload: {
        type: 'lead.trial_unlocked',
        data: { lead_id: c.lead.id, email: c.lead.email, company_domain: c.lead.companyDomain, unlocked_at: c.at.toISOString() },
      },
    });
  return out;
}
