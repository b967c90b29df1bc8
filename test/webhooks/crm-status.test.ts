import { describe, expect, it } from 'vitest';
import { effectiveStatusMap, leadStatusFor } from '../../src/domain/crm-status';
import { crmAction, decide, type LeadStage, type PipelineState, type SaleStage } from '../../src/domain/pipeline';
import { batchOutcome } from '../../src/services/events/webhook-received';

/** What a CRM's value does, as the webhook consumer asks it: the status map, then the pipeline rule as actor `webhook`. */
function webhookSays(provider: string, value: string, state: PipelineState, map = effectiveStatusMap()): string {
  const mapped = leadStatusFor(map, provider, value);
  const action = mapped ? crmAction(mapped) : null;
  if (!action) return 'maps to nothing';
  const d = decide(state, action, 'webhook');
  if (!d.ok) return d.rule;
  if (d.sale) return `sale ${d.sale.from}→${d.sale.to}${d.revived ? ' (revived)' : ''}`;
  return `lead ${d.lead?.from}→${d.lead?.to}`;
}
const lead = (stage: LeadStage): PipelineState => ({ lead: { stage }, sale: null });
const sale = (stage: SaleStage): PipelineState => ({ lead: { stage: 'transferred' }, sale: { stage } });

describe("the CRM status maps: what each provider's value asks of the pipeline", () => {
  it('HubSpot lifecycle and lead-status values', () => {
    const map = effectiveStatusMap();
    const actions = [
      'connected',
      'attempted_to_contact',
      'in_progress',
      'salesqualifiedlead',
      'opportunity',
      'customer',
      'evangelist',
      'unqualified',
      'subscriber',
    ].map((v) => [v, leadStatusFor(map, 'hubspot', v), crmAction(leadStatusFor(map, 'hubspot', v) ?? '')]);
    expect(actions).toEqual([
      ['connected', 'contacted', { type: 'move_lead', to: 'contacted' }],
      ['attempted_to_contact', 'contacted', { type: 'move_lead', to: 'contacted' }],
      ['in_progress', 'contacted', { type: 'move_lead', to: 'contacted' }],
      ['salesqualifiedlead', 'qualified', { type: 'move_lead', to: 'qualified' }],
      ['opportunity', 'qualified', { type: 'move_lead', to: 'qualified' }],
      ['customer', 'customer', { type: 'crm_won' }],
      ['evangelist', 'customer', { type: 'crm_won' }],
      ['unqualified', 'lost', { type: 'crm_lost' }],
      ['subscriber', null, null],
    ]);
  });
  it('Pipedrive deal status, monday labels and Standard Webhooks statuses; case is ignored', () => {
    const map = effectiveStatusMap();
    expect(crmAction(leadStatusFor(map, 'pipedrive', 'Won') ?? '')).toEqual({ type: 'crm_won' });
    expect(crmAction(leadStatusFor(map, 'pipedrive', 'lost') ?? '')).toEqual({ type: 'crm_lost' });
    expect(leadStatusFor(map, 'pipedrive', 'open')).toBeNull();
    expect(['won', 'lost', 'qualified', 'contacted'].map((v) => crmAction(leadStatusFor(map, 'monday', v.toUpperCase()) ?? ''))).toEqual([
      { type: 'crm_won' },
      { type: 'crm_lost' },
      { type: 'move_lead', to: 'qualified' },
      { type: 'move_lead', to: 'contacted' },
    ]);
    expect(['customer', 'qualified', 'contacted', 'lost'].map((v) => leadStatusFor(map, 'standard', v))).toEqual([
      'customer',
      'qualified',
      'contacted',
      'lost',
    ]);
  });
  it("a configured table replaces the provider's defaults entirely, and may name sale stages", () => {
    const map = effectiveStatusMap({ monday: { Working: 'contacted', 'Contract sent': 'agreement' } });
    expect(leadStatusFor(map, 'monday', 'won')).toBeNull();
    expect(crmAction(leadStatusFor(map, 'monday', 'contract SENT') ?? '')).toEqual({ type: 'move_sale', to: 'agreement' });
    expect(leadStatusFor(map, 'hubspot', 'customer')).toBe('customer');
  });
});

describe('a CRM value against every state a lead can be in (actor webhook)', () => {
  //                        lead: new            contacted           qualified               lost
  const LEAD_ROWS: Record<string, [string, string, string, string]> = {
    connected: ['lead new→contacted', 'same_stage', 'backwards', 'terminal'],
    salesqualifiedlead: ['skips', 'lead contacted→qualified', 'same_stage', 'terminal'],
    customer: ['no_sale', 'no_sale', 'no_sale', 'no_sale'],
    unqualified: ['lead new→lost', 'lead contacted→lost', 'lead qualified→lost', 'terminal'],
  };
  //                        sale: new                 kyc                 agreement                 paid          lost
  const SALE_ROWS: Record<string, [string, string, string, string, string]> = {
    connected: ['terminal', 'terminal', 'terminal', 'terminal', 'terminal'],
    salesqualifiedlead: ['terminal', 'terminal', 'terminal', 'terminal', 'terminal'],
    customer: ['sale new→paid', 'sale kyc→paid', 'sale agreement→paid', 'same_stage', 'sale lost→paid (revived)'],
    unqualified: ['sale new→lost', 'sale kyc→lost', 'sale agreement→lost', 'terminal', 'terminal'],
  };
  for (const [value, row] of Object.entries(LEAD_ROWS))
    it(`HubSpot "${value}" on a lead without a sale: ${row.join(', ')}`, () => {
      expect((['new', 'contacted', 'qualified', 'lost'] as const).map((s) => webhookSays('hubspot', value, lead(s)))).toEqual(row);
    });
  for (const [value, row] of Object.entries(SALE_ROWS))
    it(`HubSpot "${value}" on a transferred lead's sale: ${row.join(', ')}`, () => {
      expect((['new', 'kyc', 'agreement', 'paid', 'lost'] as const).map((s) => webhookSays('hubspot', value, sale(s)))).toEqual(row);
    });
  it('a mapped sale stage moves the sale one step, and needs a sale', () => {
    const map = effectiveStatusMap({ standard: { kyc: 'kyc', agreement: 'agreement' } });
    expect(webhookSays('standard', 'kyc', sale('new'), map)).toBe('sale new→kyc');
    expect(webhookSays('standard', 'agreement', sale('new'), map)).toBe('skips');
    expect(webhookSays('standard', 'kyc', sale('agreement'), map)).toBe('backwards');
    expect(webhookSays('standard', 'kyc', lead('qualified'), map)).toBe('no_sale');
  });
  it('a CRM never transfers: no status maps to the transfer, and a value mapped to "transferred" is refused', () => {
    expect(webhookSays('standard', 'transferred', lead('qualified'), effectiveStatusMap({ standard: { transferred: 'transferred' } }))).toBe('maps to nothing');
    expect(decide(lead('qualified'), { type: 'transfer' }, 'webhook')).toMatchObject({ ok: false, rule: 'not_allowed' });
  });
});

describe('batchOutcome — a batch with an unknown lead stays replayable', () => {
  it('is unknown_lead when any change found no lead, even if others applied', () => {
    expect(batchOutcome([{ outcome: 'applied' }, { outcome: 'unknown_lead' }])).toBe('unknown_lead');
    expect(batchOutcome([{ outcome: 'ignored' }, { outcome: 'unknown_lead' }])).toBe('unknown_lead');
    expect(batchOutcome([{ outcome: 'applied' }, { outcome: 'ignored' }])).toBe('applied');
    expect(batchOutcome([{ outcome: 'ignored' }])).toBe('ignored');
  });
});
