/**
 * The lead pipeline, as one pure function: (lead, sale, action, actor) → the change, or a refusal naming
 * the rule that refused it. Manager actions, CRM webhooks and the chatbot all go through `decide`.
 *
 *   new → contacted → qualified → transferred ──→ sale: new → kyc → agreement → paid
 *   any lead stage before transferred → lost        any sale stage before paid → lost
 *
 * The rules:
 * 1. Forward only, one step at a time, along the order above; skipping a stage is refused (`skips`),
 *    going back is refused (`backwards`), staying put is refused (`same_stage`).
 * 2. `lost` is reachable from every open stage (of the lead before transfer, of the sale before paid).
 * 3. Terminal stages are immutable (`terminal`): the lead's `transferred` (its life goes on as a sale) and
 *    `lost`, the sale's `paid` and `lost`.
 * 4. `transferred` is reached only by the transfer action, which a person asks for and the hard gates
 *    allow (`transfer_only`); neither a CRM, nor the chatbot, nor the scorer may transfer (`not_allowed`).
 * 5. A CRM's "won" is a fact, not a move: it marks the lead's open sale `paid` whatever stage the sale
 *    was in, and it is the one way out of a terminal stage — it may revive a `lost` sale into a paid one
 *    (the change says `revived`, and is audited as such). Without a sale (the lead was never
 *    transferred) it is refused (`no_sale`).
 * 6. A CRM's "lost" loses the open sale, or the open lead when there is no sale.
 */
export const LEAD_STAGES = ['new', 'contacted', 'qualified', 'transferred', 'lost'] as const;
/** The channels a manager records leads from (the web forms have theirs). */
export const MANAGER_SOURCES = ['partner', 'referral', 'event', 'outbound', 'manual'] as const;
export type ManagerSource = (typeof MANAGER_SOURCES)[number];
export const SALE_STAGES = ['new', 'kyc', 'agreement', 'paid', 'lost'] as const;
export type LeadStage = (typeof LEAD_STAGES)[number];
export type SaleStage = (typeof SALE_STAGES)[number];

const LEAD_ORDER: readonly LeadStage[] = ['new', 'contacted', 'qualified', 'transferred'];
const SALE_ORDER: readonly SaleStage[] = ['new', 'kyc', 'agreement', 'paid'];
const LEAD_TERMINAL: ReadonlySet<string> = new Set(['transferred', 'lost']);
const SALE_TERMINAL: ReadonlySet<string> = new Set(['paid', 'lost']);

export const isLeadStage = (s: string): s is LeadStage => (LEAD_STAGES as readonly string[]).includes(s);
export const isSaleStage = (s: string): s is SaleStage => (SALE_STAGES as readonly string[]).includes(s);

export type PipelineAction =
  | { type: 'move_lead'; to: string }
  | { type: 'transfer' }
  | { type: 'move_sale'; to: string }
  | { type: 'crm_won' }
  | { type: 'crm_lost' };

/** Who asks: a person with an API key, a CRM webhook, the chatbot, or Leadgate itself. */
export type ActorKind = 'manager' | 'webhook' | 'chatbot' | 'system';

export interface PipelineState {
  lead: { stage: LeadStage };
  sale: { stage: SaleStage } | null;
}

export type Rule = 'unknown_stage' | 'same_stage' | 'backwards' | 'skips' | 'terminal' | 'transfer_only' | 'not_allowed' | 'no_sale';

export type Decision =
  | {
      ok: true;
      lead?: { from: LeadStage; to: LeadStage };
      /** `from: null`: the sale is created (by a transfer). */
      sale?: { from: SaleStage | null; to: SaleStage };
      /** A CRM's won brought a lost sale back (rule 5). */
      revived?: boolean;
      /** Stages a CRM's won passed over (rule 5), for the record. */
      passedOver?: SaleStage[];
    }
  | { ok: false; rule: Rule; reason: string };

const refuse = (rule: Rule, reason: string): Decision => ({ ok: false, rule, reason });

/** One step along `order` from `from` to `to`, `lost` from any open stage; why not, otherwise. */
function step<S extends string>(order: readonly S[], terminal: ReadonlySet<string>, what: string, from: S, to: S): Decision | null {
  if (from === to) return refuse('same_stage', `the ${what} is already ${to}`);
  if (terminal.has(from)) return refuse('terminal', `${from} is final for the ${what}`);
  if (to === 'lost') return null;
  const [i, j] = [order.indexOf(from), order.indexOf(to)];
  if (j < i) return refuse('backwards', `${from} → ${to} goes backwards`);
  if (j > i + 1) return refuse('skips', `${from} → ${to} skips ${order.slice(i + 1, j).join(', ')}`);
  return null;
}

export function decide(state: PipelineState, action: PipelineAction, actor: ActorKind): Decision {
  const { lead, sale } = state;
  switch (action.type) {
    case 'move_lead': {
      if (!isLeadStage(action.to)) return refuse('unknown_stage', `"${action.to.slice(0, 40)}" is not a lead stage`);
      if (action.to === 'transferred' && !LEAD_TERMINAL.has(lead.stage) && lead.stage !== action.to)
        return refuse('transfer_only', 'a lead is transferred with POST /api/v1/leads/{id}/transfer, which checks the gates');
      return step(LEAD_ORDER, LEAD_TERMINAL, 'lead', lead.stage, action.to) ?? { ok: true, lead: { from: lead.stage, to: action.to } };
    }
    case 'transfer': {
      if (actor !== 'manager') return refuse('not_allowed', `a ${actor} may not transfer a lead; a manager decides`);
      if (lead.stage !== 'qualified') {
        if (LEAD_TERMINAL.has(lead.stage)) return refuse('terminal', `${lead.stage} is final for the lead`);
        return refuse('skips', `only a qualified lead is transferred; this one is ${lead.stage}`);
      }
      return { ok: true, lead: { from: 'qualified', to: 'transferred' }, sale: { from: null, to: 'new' } };
    }
    case 'move_sale': {
      if (!isSaleStage(action.to)) return refuse('unknown_stage', `"${action.to.slice(0, 40)}" is not a sale stage`);
      if (!sale) return refuse('no_sale', 'the lead has no sale: it has not been transferred');
      return step(SALE_ORDER, SALE_TERMINAL, 'sale', sale.stage, action.to) ?? { ok: true, sale: { from: sale.stage, to: action.to } };
    }
    case 'crm_won': {
      if (actor !== 'webhook') return refuse('not_allowed', 'only a CRM reports a won deal; a manager moves the sale to paid');
      if (!sale) return refuse('no_sale', 'the CRM reports a won deal, but the lead was never transferred');
      if (sale.stage === 'paid') return refuse('same_stage', 'the sale is already paid');
      if (sale.stage === 'lost') return { ok: true, sale: { from: 'lost', to: 'paid' }, revived: true };
      const at = SALE_ORDER.indexOf(sale.stage);
      return { ok: true, sale: { from: sale.stage, to: 'paid' }, passedOver: SALE_ORDER.slice(at + 1, SALE_ORDER.length - 1) };
    }
    case 'crm_lost': {
      if (sale && !SALE_TERMINAL.has(sale.stage)) return { ok: true, sale: { from: sale.stage, to: 'lost' } };
      if (sale) return refuse('terminal', `${sale.stage} is final for the sale`);
      if (LEAD_TERMINAL.has(lead.stage)) return refuse('terminal', `${lead.stage} is final for the lead`);
      return { ok: true, lead: { from: lead.stage, to: 'lost' } };
    }
  }
}

/** What a CRM's status value asks for, from the Leadgate status it maps to (the CRM status map). */
export function crmAction(mapped: string): PipelineAction | null {
  if (mapped === 'customer' || mapped === 'won' || mapped === 'paid') return { type: 'crm_won' };
  if (mapped === 'lost') return { type: 'crm_lost' };
  if (mapped === 'contacted' || mapped === 'qualified') return { type: 'move_lead', to: mapped };
  if (mapped === 'kyc' || mapped === 'agreement') return { type: 'move_sale', to: mapped };
  return null;
}

/** The hard gates of a transfer, each checked by business logic, never by the scorer. */
export type Gate = 'stage_is_qualified' | 'score_at_least_threshold' | 'analysis_is_fresh' | 'has_business_domain';

export interface GateInput {
  stage: LeadStage;
  businessDomain: string | null;
  latest: { score: number; analyzedAt: Date } | null;
  minScore: number;
  maxAgeSeconds: number;
  now: Date;
}

/** Every gate that fails, with why (empty: the transfer may go ahead). */
export function failedGates(g: GateInput): Array<{ gate: Gate; reason: string }> {
  const failed: Array<{ gate: Gate; reason: string }> = [];
  if (g.stage !== 'qualified') failed.push({ gate: 'stage_is_qualified', reason: `the stage is ${g.stage}, not qualified` });
  if (!g.latest) {
    failed.push({ gate: 'score_at_least_threshold', reason: 'the lead has not been analysed' });
    failed.push({ gate: 'analysis_is_fresh', reason: 'the lead has not been analysed' });
  } else {
    if (g.latest.score < g.minScore) failed.push({ gate: 'score_at_least_threshold', reason: `the score ${g.latest.score.toFixed(2)} is below ${g.minScore}` });
    const ageSeconds = (g.now.getTime() - g.latest.analyzedAt.getTime()) / 1000;
    if (ageSeconds > g.maxAgeSeconds)
      failed.push({ gate: 'analysis_is_fresh', reason: `the latest analysis is ${Math.round(ageSeconds / 60)} minutes old (at most ${g.maxAgeSeconds / 60})` });
  }
  if (!g.businessDomain) failed.push({ gate: 'has_business_domain', reason: 'the lead has no business domain' });
  return failed;
}
