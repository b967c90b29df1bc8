import { createHmac } from 'node:crypto';
import { HttpResponse, http } from 'msw';
import { beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { call, eventually, uniqueEmail } from '../support/api';
import { providerCalls, server } from '../support/msw';
import { configure, createWorkspace, keyWith, type TestWorkspace } from '../support/workspaces';

const PIPELINE_SECRET = 'whsec_bGVhZGdhdGUtdGVzdC1waXBlbGluZS1mbG93LWtleQ==';
const BRIDGE = 'https://crm-bridge.example.com/leadgate';

let ws: TestWorkspace;
let key: string;

/** Pipedrive as it answers: the person exists, a lead is open, deals are kept between calls. */
const deals: Array<{ id: number; title: string; status: string }> = [];
const pipedrive = [
  http.get('https://api.pipedrive.com/api/v2/persons/search', () =>
    HttpResponse.json({ success: true, data: { items: [{ result_score: 1, item: { id: 7 } }] } }),
  ),
  http.get('https://api.pipedrive.com/v1/leads', () => HttpResponse.json({ success: true, data: [{ id: 'f2a6b3c0-0000-4000-8000-000000000001' }] })),
  http.get('https://api.pipedrive.com/v1/persons/7/deals', () => HttpResponse.json({ success: true, data: deals.length ? deals : null })),
  http.post('https://api.pipedrive.com/v1/deals', async ({ request }) => {
    const body = (await request.json()) as { title: string; status: string };
    const deal = { id: 900 + deals.length, title: body.title, status: body.status };
    deals.push(deal);
    providerCalls.push({ provider: 'pipedrive', url: request.url, method: 'POST', headers: {}, body: JSON.stringify(body) });
    return HttpResponse.json({ success: true, data: deal }, { status: 201 });
  }),
  http.put('https://api.pipedrive.com/v1/deals/:id', async ({ request, params }) => {
    const body = (await request.json()) as { status: string };
    const deal = deals.find((d) => d.id === Number(params.id))!;
    deal.status = body.status;
    providerCalls.push({ provider: 'pipedrive', url: request.url, method: 'PUT', headers: {}, body: JSON.stringify(body) });
    return HttpResponse.json({ success: true, data: deal });
  }),
];

beforeAll(async () => {
  ws = await createWorkspace('pipeline');
  await configure(
    ws,
    {
      crm_providers: ['hubspot', 'pipedrive'],
      pipeline_webhook_url: BRIDGE,
      product_webhook_url: 'https://product.example.com/webhooks/leadgate',
      sales_inbox: 'sales@pipeline-test.com',
      email_from: 'no-reply@pipeline-test.com',
    },
    {
      hubspot_access_token: 'pat-pipeline',
      pipedrive_api_token: 'pd-pipeline',
      sendgrid_api_key: 'SG.pipeline',
      pipeline_webhook_secret: PIPELINE_SECRET,
      product_webhook_secret: 'whsec_cHJvZHVjdC1waXBlbGluZS10ZXN0LWtleQ==',
    },
  );
  key = (await keyWith(ws, ['leads:read', 'leads:write', 'pipeline:write', 'sales:write'])).key;
});

function api(path: string, method = 'GET', body?: unknown, headers: Record<string, string> = {}) {
  return call(path, {
    method,
    headers: { authorization: `Bearer ${key}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
}
const json = async (res: Response) => (await res.json()) as any;

/** Checks a Standard Webhooks signature independently of the Worker's code (node:crypto). */
function signedBy(secret: string, call: { headers: Record<string, string>; body: string }): boolean {
  const key = Buffer.from(secret.replace(/^whsec_/, ''), 'base64');
  const expected = createHmac('sha256', key).update(`${call.headers['webhook-id']}.${call.headers['webhook-timestamp']}.${call.body}`).digest('base64');
  return (call.headers['webhook-signature'] ?? '').split(' ').includes(`v1,${expected}`);
}

beforeEach(() => server.use(...pipedrive));

describe('a manager works a lead through the whole pipeline', () => {
  it('create → contacted → qualified → analyse → transfer (refused, then allowed) → kyc → agreement → paid, all audited and verified', async () => {
    const email = uniqueEmail('pipeline');

    // Create: no captcha, a manager's channel, version 1.
    const created = await api('/api/v1/leads', 'POST', {
      source: 'referral',
      email,
      name: 'Jan Kowalski',
      company: 'Kowalski Fintech',
      note: 'Met at the Fintech Summit',
    });
    expect(created.status).toBe(201);
    const lead = await json(created);
    expect(lead).toMatchObject({ email, stage: 'new', version: 1, business_domain: null, first_source: 'referral' });
    expect(created.headers.get('etag')).toBe('"1"');
    expect(created.headers.get('location')).toBe(`/api/v1/leads/${lead.id}`);
    const again = await api('/api/v1/leads', 'POST', { source: 'manual', email });
    expect(again.status).toBe(409);
    expect(await json(again)).toMatchObject({ lead_id: lead.id });

    // Moves need If-Match, go one step at a time, and name the rule when refused.
    expect((await api(`/api/v1/leads/${lead.id}/stage`, 'PATCH', { stage: 'contacted' })).status).toBe(428);
    const skip = await api(`/api/v1/leads/${lead.id}/stage`, 'PATCH', { stage: 'qualified' }, { 'if-match': '"1"' });
    expect(skip.status).toBe(409);
    expect(await json(skip)).toMatchObject({ rule: 'skips' });
    const contacted = await api(`/api/v1/leads/${lead.id}/stage`, 'PATCH', { stage: 'contacted', note: 'Called, interested' }, { 'if-match': '"1"' });
    expect(contacted.status).toBe(200);
    expect(contacted.headers.get('etag')).toBe('"2"');
    expect((await api(`/api/v1/leads/${lead.id}/stage`, 'PATCH', { stage: 'qualified' }, { 'if-match': '"1"' })).status).toBe(412);
    expect(await json(await api(`/api/v1/leads/${lead.id}/stage`, 'PATCH', { stage: 'transferred' }, { 'if-match': '"2"' }))).toMatchObject({
      rule: 'transfer_only',
    });
    expect(await json(await api(`/api/v1/leads/${lead.id}/stage`, 'PATCH', { stage: 'new' }, { 'if-match': '"2"' }))).toMatchObject({ rule: 'backwards' });
    expect((await api(`/api/v1/leads/${lead.id}/stage`, 'PATCH', { stage: 'qualified', note: 'Budget confirmed' }, { 'if-match': '"2"' })).status).toBe(200);

    // The AI advises: exactly six features in, a score out, and it changes nothing.
    const first = await json(await api(`/api/v1/leads/${lead.id}/analyze`, 'POST'));
    expect(Object.keys(first.input).sort()).toEqual(['business_domain', 'days_since_created', 'has_business_domain', 'message_count', 'source', 'stage']);
    expect(first).toMatchObject({ model: 'leadgate-rules-v1', cached: false, input: { source: 'referral', stage: 'qualified', has_business_domain: false } });
    expect(first.score).toBeLessThan(0.6);
    expect((await json(await api(`/api/v1/leads/${lead.id}`))).stage).toBe('qualified');
    expect(await json(await api(`/api/v1/leads/${lead.id}/analyze`, 'POST'))).toMatchObject({ id: first.id, cached: true });

    // Transfer refused: every gate that fails is named.
    const refused = await api(`/api/v1/leads/${lead.id}/transfer`, 'POST', {}, { 'if-match': '"3"' });
    expect(refused.status).toBe(409);
    const refusal = await json(refused);
    expect(refusal.rule).toBe('gates');
    expect(refusal.failed_gates.map((g: { gate: string }) => g.gate)).toEqual(['score_at_least_threshold', 'has_business_domain']);

    // Fix the data, analyse again (the input changed: not cached; the score crosses the threshold).
    const edited = await api(`/api/v1/leads/${lead.id}`, 'PATCH', { business_domain: 'fintech' }, { 'if-match': '"3"' });
    expect(edited.status).toBe(200);
    expect(await json(edited)).toMatchObject({ business_domain: 'fintech', version: 4 });
    const second = await json(await api(`/api/v1/leads/${lead.id}/analyze`, 'POST'));
    expect(second).toMatchObject({ cached: false, recommendation: 'transfer_to_sales' });
    expect(second.score).toBeGreaterThanOrEqual(0.6);

    // Transfer allowed: the lead is transferred, the sale is new.
    const transferred = await api(`/api/v1/leads/${lead.id}/transfer`, 'POST', { note: 'Ready for a proposal' }, { 'if-match': '"4"' });
    expect(transferred.status).toBe(201);
    const { lead: after, sale } = await json(transferred);
    expect(after).toMatchObject({ stage: 'transferred', version: 5 });
    expect(sale).toMatchObject({ lead_id: lead.id, stage: 'new', version: 1, score_at_transfer: second.score });
    expect(transferred.headers.get('location')).toBe(`/api/v1/sales/${sale.id}`);

    // The sale: kyc → agreement → paid, with the sale's own version.
    expect(await json(await api(`/api/v1/sales/${sale.id}/stage`, 'PATCH', { stage: 'agreement' }, { 'if-match': '"1"' }))).toMatchObject({ rule: 'skips' });
    for (const [stage, version] of [
      ['kyc', 1],
      ['agreement', 2],
      ['paid', 3],
    ] as const) {
      const moved = await api(`/api/v1/sales/${sale.id}/stage`, 'PATCH', { stage }, { 'if-match': `"${version}"` });
      expect(moved.status, stage).toBe(200);
      expect(moved.headers.get('etag')).toBe(`"${version + 1}"`);
    }
    // Terminal now: nothing moves it, and nothing moves the transferred lead.
    expect(await json(await api(`/api/v1/sales/${sale.id}/stage`, 'PATCH', { stage: 'lost' }, { 'if-match': '"4"' }))).toMatchObject({ rule: 'terminal' });
    expect(await json(await api(`/api/v1/leads/${lead.id}/stage`, 'PATCH', { stage: 'lost' }, { 'if-match': '"5"' }))).toMatchObject({ rule: 'terminal' });

    // What a manager sees now.
    const detail = await json(await api(`/api/v1/leads/${lead.id}`));
    expect(detail).toMatchObject({ stage: 'transferred', version: 5, sale: { id: sale.id, stage: 'paid' }, latest_analysis: { id: second.id } });
    const audit = (await json(await api(`/api/v1/leads/${lead.id}/audit`))).items as Array<{
      action: string;
      actor: string;
      from: string;
      to: string;
      seq: number;
    }>;
    expect(audit.map((e) => `${e.action}:${e.from ?? ''}>${e.to ?? ''}`)).toEqual([
      'lead_created:>new',
      'refused:new>qualified',
      'lead_stage_changed:new>contacted',
      'refused:contacted>transferred',
      'refused:contacted>new',
      'lead_stage_changed:contacted>qualified',
      'analysis_requested:>',
      'analysis_requested:>',
      'refused:qualified>transfer',
      'contact_changed:>',
      'analysis_requested:>',
      'lead_transferred:qualified>transferred',
      'sale_created:>new',
      'refused:sale:new>agreement',
      'sale_stage_changed:new>kyc',
      'sale_stage_changed:kyc>agreement',
      'sale_stage_changed:agreement>paid',
      'trial_unlocked:>',
      'refused:sale:paid>lost',
      'refused:transferred>lost',
    ]);
    expect(new Set(audit.map((e) => e.actor))).toEqual(new Set([audit[0]!.actor]));
    expect(audit[0]!.actor).toMatch(/^k-/);
    expect(await json(await api('/api/v1/audit/verify'))).toMatchObject({ ok: true, broken: null });

    // Everything it caused, each exactly once: the signed pipeline events, the CRMs, sales.
    const events = await eventually(async () => {
      const sent = providerCalls.filter((c) => c.provider === 'pipeline_webhook' && c.body.includes(lead.id));
      return sent.length >= 8 ? sent : null;
    });
    await new Promise((r) => setTimeout(r, 1500));
    const types = providerCalls
      .filter((c) => c.provider === 'pipeline_webhook' && c.body.includes(lead.id))
      .map((c) => JSON.parse(c.body) as { type: string; data: { from?: string; to?: string } })
      .map((e) => `${e.type}${e.data.to ? `:${e.data.to}` : ''}`)
      .sort();
    expect(types).toEqual(
      [
        'lead.stage_changed:contacted',
        'lead.stage_changed:qualified',
        'lead.score_changed',
        'lead.stage_changed:transferred',
        'lead.transferred',
        'sale.stage_changed:kyc',
        'sale.stage_changed:agreement',
        'sale.stage_changed:paid',
      ].sort(),
    );
    for (const e of events) expect(signedBy(PIPELINE_SECRET, e)).toBe(true);
    expect(new Set(events.map((e) => e.headers['webhook-id'])).size).toBe(events.length);

    const hubspot = providerCalls.filter((c) => c.provider === 'hubspot' && c.body.includes(email));
    expect(hubspot.at(-1)!.body).toContain('"lifecyclestage":"customer"');
    expect(hubspot.some((c) => c.body.includes('"lifecyclestage":"opportunity"'))).toBe(true);
    const pd = providerCalls.filter((c) => c.provider === 'pipedrive');
    expect(pd.filter((c) => c.method === 'POST')).toHaveLength(1);
    expect(deals.find((d) => d.title.includes(`[leadgate ${sale.id.slice(0, 8)}]`))?.status).toBe('won');
    const toSales = providerCalls.filter((c) => c.provider === 'sendgrid' && c.body.includes('sales@pipeline-test.com') && c.body.includes(lead.id));
    expect(toSales).toHaveLength(1);
    const trial = await eventually(async () => providerCalls.find((c) => c.provider === 'product_webhook' && c.body.includes(lead.id)));
    expect(JSON.parse(trial.body)).toMatchObject({ type: 'lead.trial_unlocked' });

    // The feedback loop: this sale's score band shows one transferred, one paid.
    const report = await json(await api('/api/v1/analytics/scoring'));
    expect(report.threshold).toBe(0.6);
    expect(report.bands.find((b: { band: string }) => b.band === '0.6–0.8')).toMatchObject({ transferred: 1, paid: 1, lost: 0, open: 0 });
  });
});

describe('concurrent stage changes', () => {
  async function leadAt(stage: 'contacted' | 'qualified') {
    const created = await json(await api('/api/v1/leads', 'POST', { source: 'referral', email: uniqueEmail('race'), business_domain: 'saas' }));
    await api(`/api/v1/leads/${created.id}/stage`, 'PATCH', { stage: 'contacted' }, { 'if-match': '"1"' });
    if (stage === 'qualified') await api(`/api/v1/leads/${created.id}/stage`, 'PATCH', { stage: 'qualified' }, { 'if-match': '"2"' });
    return created.id as string;
  }

  it('lets exactly one of several concurrent changes from the same version win; the rest get 412', async () => {
    const id = await leadAt('contacted');
    const answers = await Promise.all(
      ['qualified', 'lost', 'qualified', 'lost', 'qualified'].map((stage) => api(`/api/v1/leads/${id}/stage`, 'PATCH', { stage }, { 'if-match': '"2"' })),
    );
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([200, 412, 412, 412, 412]);
    const audit = (await json(await api(`/api/v1/leads/${id}/audit`))).items as Array<{ action: string }>;
    expect(audit.filter((e) => e.action === 'lead_stage_changed')).toHaveLength(2);
  });

  it('transfers once when two managers press the button at the same time', async () => {
    const id = await leadAt('qualified');
    await api(`/api/v1/leads/${id}/analyze`, 'POST');
    const version = (await json(await api(`/api/v1/leads/${id}`))).version;
    // A referral in saas, qualified, just analysed: every gate holds, so the only contest is the version.
    const answers = await Promise.all([1, 2, 3].map(() => api(`/api/v1/leads/${id}/transfer`, 'POST', {}, { 'if-match': `"${version}"` })));
    expect(answers.map((r) => r.status).sort()).toEqual([201, 412, 412]);
    const sales = (await json(await api(`/api/v1/sales?limit=200`))).items.filter((s: { lead_id: string }) => s.lead_id === id);
    expect(sales).toHaveLength(1);
  });
});
