import { describe, expect, it } from 'vitest';
import { crmAction, decide, failedGates, type GateInput, LEAD_STAGES, type LeadStage, SALE_STAGES, type SaleStage } from '../../src/domain/pipeline';

/**
 * The whole rule, as tables: every lead stage against every stage a lead could be asked to move to,
 * every sale stage against every sale stage, and the CRM's won and lost. Written out by hand (not
 * computed the way the code computes them), so a change of rule shows up here as a changed row.
 */
const noSale = (stage: LeadStage) => ({ lead: { stage }, sale: null });
const withSale = (stage: SaleStage) => ({ lead: { stage: 'transferred' as const }, sale: { stage } });

const LEAD_MOVES: Record<LeadStage, Record<LeadStage, string>> = {
  //           to: new            contacted      qualified      transferred      lost
  new: { new: 'same_stage', contacted: 'ok', qualified: 'skips', transferred: 'transfer_only', lost: 'ok' },
  contacted: { new: 'backwards', contacted: 'same_stage', qualified: 'ok', transferred: 'transfer_only', lost: 'ok' },
  qualified: { new: 'backwards', contacted: 'backwards', qualified: 'same_stage', transferred: 'transfer_only', lost: 'ok' },
  transferred: { new: 'terminal', contacted: 'terminal', qualified: 'terminal', transferred: 'same_stage', lost: 'terminal' },
  lost: { new: 'terminal', contacted: 'terminal', qualified: 'terminal', transferred: 'terminal', lost: 'same_stage' },
};

const SALE_MOVES: Record<SaleStage, Record<SaleStage, string>> = {
  //      to: new           kyc            agreement      paid           lost
  new: { new: 'same_stage', kyc: 'ok', agreement: 'skips', paid: 'skips', lost: 'ok' },
  kyc: { new: 'backwards', kyc: 'same_stage', agreement: 'ok', paid: 'skips', lost: 'ok' },
  agreement: { new: 'backwards', kyc: 'backwards', agreement: 'same_stage', paid: 'ok', lost: 'ok' },
  paid: { new: 'terminal', kyc: 'terminal', agreement: 'terminal', paid: 'same_stage', lost: 'terminal' },
  lost: { new: 'terminal', kyc: 'terminal', agreement: 'terminal', paid: 'terminal', lost: 'same_stage' },
};

const outcome = (d: ReturnType<typeof decide>) => (d.ok ? 'ok' : d.rule);

describe('the pipeline rule (pure): every allowed and every refused move', () => {
  for (const from of LEAD_STAGES)
    for (const to of LEAD_STAGES) {
      it(`lead ${from} → ${to}: ${LEAD_MOVES[from][to]}`, () => {
        for (const actor of ['manager', 'webhook', 'chatbot'] as const) {
          const d = decide(noSale(from), { type: 'move_lead', to }, actor);
          expect(outcome(d)).toBe(LEAD_MOVES[from][to]);
          if (d.ok) expect(d).toEqual({ ok: true, lead: { from, to } });
        }
      });
    }

  for (const from of SALE_STAGES)
    for (const to of SALE_STAGES) {
      it(`sale ${from} → ${to}: ${SALE_MOVES[from][to]}`, () => {
        const d = decide(withSale(from), { type: 'move_sale', to }, 'manager');
        expect(outcome(d)).toBe(SALE_MOVES[from][to]);
        if (d.ok) expect(d).toEqual({ ok: true, sale: { from, to } });
      });
    }

  it('refuses stages that do not exist, and sale moves of a lead without a sale', () => {
    expect(outcome(decide(noSale('new'), { type: 'move_lead', to: 'customer' }, 'manager'))).toBe('unknown_stage');
    expect(outcome(decide(withSale('new'), { type: 'move_sale', to: 'won' }, 'manager'))).toBe('unknown_stage');
    expect(outcome(decide(noSale('qualified'), { type: 'move_sale', to: 'kyc' }, 'manager'))).toBe('no_sale');
  });

  it('transfers only a qualified lead, only when a manager asks, and creates the sale', () => {
    expect(decide(noSale('qualified'), { type: 'transfer' }, 'manager')).toEqual({
      ok: true,
      lead: { from: 'qualified', to: 'transferred' },
      sale: { from: null, to: 'new' },
    });
    for (const actor of ['webhook', 'chatbot', 'system'] as const)
      expect(outcome(decide(noSale('qualified'), { type: 'transfer' }, actor))).toBe('not_allowed');
    expect(outcome(decide(noSale('new'), { type: 'transfer' }, 'manager'))).toBe('skips');
    expect(outcome(decide(noSale('contacted'), { type: 'transfer' }, 'manager'))).toBe('skips');
    expect(outcome(decide(noSale('lost'), { type: 'transfer' }, 'manager'))).toBe('terminal');
    expect(outcome(decide(withSale('new'), { type: 'transfer' }, 'manager'))).toBe('terminal');
  });

  it("a CRM's won marks any open sale paid, revives a lost one (the one way out of a terminal stage), and needs a sale", () => {
    expect(decide(withSale('new'), { type: 'crm_won' }, 'webhook')).toEqual({ ok: true, sale: { from: 'new', to: 'paid' }, passedOver: ['kyc', 'agreement'] });
    expect(decide(withSale('kyc'), { type: 'crm_won' }, 'webhook')).toEqual({ ok: true, sale: { from: 'kyc', to: 'paid' }, passedOver: ['agreement'] });
    expect(decide(withSale('agreement'), { type: 'crm_won' }, 'webhook')).toEqual({ ok: true, sale: { from: 'agreement', to: 'paid' }, passedOver: [] });
    expect(decide(withSale('lost'), { type: 'crm_won' }, 'webhook')).toEqual({ ok: true, sale: { from: 'lost', to: 'paid' }, revived: true });
    expect(outcome(decide(withSale('paid'), { type: 'crm_won' }, 'webhook'))).toBe('same_stage');
    for (const stage of ['new', 'contacted', 'qualified', 'lost'] as const)
      expect(outcome(decide(noSale(stage), { type: 'crm_won' }, 'webhook'))).toBe('no_sale');
    // Only a CRM reports a won deal: a manager walks the sale to paid, a step at a time.
    expect(outcome(decide(withSale('kyc'), { type: 'crm_won' }, 'manager'))).toBe('not_allowed');
  });

  it("a CRM's lost loses the open sale, or the open lead when there is none, and never a closed one", () => {
    expect(decide(withSale('kyc'), { type: 'crm_lost' }, 'webhook')).toEqual({ ok: true, sale: { from: 'kyc', to: 'lost' } });
    expect(decide(noSale('contacted'), { type: 'crm_lost' }, 'webhook')).toEqual({ ok: true, lead: { from: 'contacted', to: 'lost' } });
    expect(outcome(decide(withSale('paid'), { type: 'crm_lost' }, 'webhook'))).toBe('terminal');
    expect(outcome(decide(withSale('lost'), { type: 'crm_lost' }, 'webhook'))).toBe('terminal');
    expect(outcome(decide(noSale('lost'), { type: 'crm_lost' }, 'webhook'))).toBe('terminal');
  });

  it("maps the CRM status map's values to actions (and nothing else)", () => {
    expect(crmAction('customer')).toEqual({ type: 'crm_won' });
    expect(crmAction('won')).toEqual({ type: 'crm_won' });
    expect(crmAction('lost')).toEqual({ type: 'crm_lost' });
    expect(crmAction('qualified')).toEqual({ type: 'move_lead', to: 'qualified' });
    expect(crmAction('kyc')).toEqual({ type: 'move_sale', to: 'kyc' });
    expect(crmAction('transferred')).toBeNull();
    expect(crmAction('constructor')).toBeNull();
  });
});

describe('the transfer gates (pure), alone and combined', () => {
  const now = new Date('2026-12-01T12:00:00Z');
  const fresh = { score: 0.8, analyzedAt: new Date(now.getTime() - 10 * 60_000) };
  const pass: GateInput = { stage: 'qualified', businessDomain: 'fintech', latest: fresh, minScore: 0.6, maxAgeSeconds: 3600, now };
  const gates = (over: Partial<GateInput>) => failedGates({ ...pass, ...over }).map((g) => g.gate);

  it('passes when every gate holds', () => expect(gates({})).toEqual([]));
  it('fails on the stage alone', () => expect(gates({ stage: 'contacted' })).toEqual(['stage_is_qualified']));
  it('fails on the score alone (0.6 passes, 0.59 does not)', () => {
    expect(gates({ latest: { ...fresh, score: 0.6 } })).toEqual([]);
    expect(gates({ latest: { ...fresh, score: 0.59 } })).toEqual(['score_at_least_threshold']);
  });
  it('fails on a stale analysis alone', () =>
    expect(gates({ latest: { ...fresh, analyzedAt: new Date(now.getTime() - 3601_000) } })).toEqual(['analysis_is_fresh']));
  it('fails on a missing business domain alone', () => expect(gates({ businessDomain: null })).toEqual(['has_business_domain']));
  it('fails on no analysis at all (score and freshness)', () => expect(gates({ latest: null })).toEqual(['score_at_least_threshold', 'analysis_is_fresh']));
  it('names every gate that fails at once', () =>
    expect(gates({ stage: 'new', businessDomain: null, latest: { score: 0.1, analyzedAt: new Date(0) } })).toEqual([
      'stage_is_qualified',
      'score_at_least_threshold',
      'analysis_is_fresh',
      'has_business_domain',
    ]));
  it('uses the configured threshold', () => expect(gates({ minScore: 0.9 })).toEqual(['score_at_least_threshold']));
});
