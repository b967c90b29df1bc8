import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, adminGet, call, eventually, uniqueEmail } from '../support/api';
import { providerCalls } from '../support/msw';
import { createLead, hubspotHeaders, leadById, postRaw } from './signing';
import { auditOf, auditTrail, pipelineNotifications, type Receipt, recordCrmSync, saleFor, settled, sleep, trialNotifications } from './support';

const PATH = '/api/v1/webhooks/hubspot';

/** A workflow "Send a webhook" action with a customised body: the contact's properties by internal name. */
const workflowBody = (email: string, lifecyclestage: string) => JSON.stringify({ email, lifecyclestage, hs_object_id: '51' });

async function sendHubspot(body: string, path = PATH, headers = hubspotHeaders(path, body)): Promise<Response> {
  return postRaw(path, body, headers);
}

describe('HubSpot webhooks — a signed status change goes through the pipeline rule', () => {
  it("customer marks a transferred lead's sale paid, unlocks the trial once, and a repeat changes nothing", async () => {
    const email = uniqueEmail('won');
    const leadId = await createLead(email, { sale: 'kyc' });
    const body = workflowBody(email.toUpperCase(), 'customer');

    const res = await sendHubspot(body);
    expect(res.status).toBe(200);
    const receipt = (await res.json()) as Receipt;
    expect(receipt.duplicate).toBe(false);
    const row = await settled(receipt.id);
    expect(row).toMatchObject({ outcome: 'applied', outcomeDetail: 'customer → sale paid, trial unlocked', verified: true, leadId, provider: 'hubspot' });

    // The lead stays transferred: the won deal is its sale's, marked paid from wherever it was.
    const lead = await leadById(leadId);
    expect(lead.stage).toBe('transferred');
    expect(lead.trialUnlockedAt).toBeInstanceOf(Date);
    const sale = await saleFor(leadId);
    expect(sale).toMatchObject({ stage: 'paid', version: 2 });
    expect(sale?.closedAt).toBeInstanceOf(Date);

    const audit = await auditOf(leadId);
    expect(audit).toEqual([
      expect.objectContaining({
        actor: 'webhook:hubspot',
        action: 'sale_stage_changed',
        saleId: sale?.id,
        from: 'kyc',
        to: 'paid',
        data: { passed_over: ['agreement'], provider: 'hubspot', crm_status: 'customer', webhook_event_id: row.id, delivery_id: row.deliveryId },
      }),
      expect.objectContaining({ actor: 'webhook:hubspot', action: 'trial_unlocked' }),
    ]);

    const [notification, ...more] = await trialNotifications(leadId);
    expect(more).toHaveLength(0);
    expect(notification).toMatchObject({
      key: 'trial_unlocked',
      payload: { type: 'lead.trial_unlocked', data: { lead_id: leadId, email: lead.email, company_domain: 'acme-test.com' } },
    });
    // The pipeline subscriber hears of the sale's move, named as the CRM's doing.
    expect(await pipelineNotifications(leadId)).toEqual([
      expect.objectContaining({
        key: 'pipeline:sale.stage_changed',
        payload: {
          type: 'sale.stage_changed',
          data: expect.objectContaining({ lead_id: leadId, sale_id: sale?.id, from: 'kyc', to: 'paid', actor: 'webhook:hubspot' }),
        },
      }),
    ]);
    // The product is told through the fan-out: a signed Standard Webhook to PRODUCT_WEBHOOK_URL.
    const sent = await eventually(async () => providerCalls.find((c) => c.provider === 'product_webhook' && c.body.includes(leadId)));
    expect(sent.headers['webhook-signature']).toMatch(/^v1,/);

    // HubSpot retries the same delivery (re-signed with a new timestamp): acknowledged, not applied.
    await sleep(5);
    const again = await sendHubspot(body);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ id: receipt.id, duplicate: true });
    await sleep(1500);
    expect(await auditOf(leadId)).toHaveLength(2);
    expect(await trialNotifications(leadId)).toHaveLength(1);
    expect(await saleFor(leadId)).toMatchObject({ stage: 'paid', version: 2 });
    expect((await leadById(leadId)).trialUnlockedAt).toEqual(lead.trialUnlockedAt);
  });

  it('refuses customer for a lead no manager transferred: ignored as no_sale, nothing changes, the refusal is audited', async () => {
    const email = uniqueEmail('no-sale');
    const leadId = await createLead(email);
    const row = await settled(((await (await sendHubspot(workflowBody(email, 'customer'))).json()) as Receipt).id);
    expect(row).toMatchObject({ outcome: 'ignored', leadId });
    expect(row.outcomeDetail).toMatch(/^no_sale: /);

    const lead = await leadById(leadId);
    expect(lead).toMatchObject({ stage: 'new', version: 1, trialUnlockedAt: null });
    expect(await saleFor(leadId)).toBeNull();
    expect(await trialNotifications(leadId)).toHaveLength(0);
    expect(await pipelineNotifications(leadId)).toHaveLength(0);
    expect(await auditOf(leadId)).toEqual([
      expect.objectContaining({
        actor: 'webhook:hubspot',
        action: 'refused',
        from: 'new',
        to: 'crm_won',
        reason: expect.stringMatching(/^no_sale: /),
        data: { attempted: 'crm_won', rule: 'no_sale', provider: 'hubspot', crm_status: 'customer', webhook_event_id: row.id, delivery_id: row.deliveryId },
      }),
    ]);
  });

  it('reads a webhooks-API batch by contact id, through the id our CRM sync was given, and moves the lead one step', async () => {
    const leadId = await createLead(uniqueEmail('batch'), { stage: 'contacted' });
    const contactId = String(Date.now() % 1_000_000_000);
    await recordCrmSync(leadId, 'hubspot', contactId);
    const body = JSON.stringify([
      {
        eventId: Date.now(),
        subscriptionId: 2451,
        portalId: 62515,
        appId: 54321,
        occurredAt: Date.now(),
        subscriptionType: 'contact.propertyChange',
        attemptNumber: 0,
        objectId: Number(contactId),
        propertyName: 'lifecyclestage',
        propertyValue: 'salesqualifiedlead',
        changeSource: 'CRM_UI',
        sourceId: 'userId:1',
      },
    ]);
    const receipt = (await (await sendHubspot(body)).json()) as Receipt;
    const row = await settled(receipt.id);
    expect(row).toMatchObject({ outcome: 'applied', outcomeDetail: 'qualified → lead qualified', leadId });
    const lead = await leadById(leadId);
    expect(lead).toMatchObject({ stage: 'qualified', version: 2, trialUnlockedAt: null });
    expect(await saleFor(leadId)).toBeNull();
    expect(await trialNotifications(leadId)).toHaveLength(0);
    expect(await auditOf(leadId)).toEqual([
      expect.objectContaining({
        actor: 'webhook:hubspot',
        action: 'lead_stage_changed',
        from: 'contacted',
        to: 'qualified',
        data: { provider: 'hubspot', crm_status: 'salesqualifiedlead', webhook_event_id: row.id, delivery_id: row.deliveryId },
      }),
    ]);
    expect(await pipelineNotifications(leadId)).toEqual([
      expect.objectContaining({
        key: 'pipeline:lead.stage_changed',
        payload: {
          type: 'lead.stage_changed',
          data: expect.objectContaining({ lead_id: leadId, from: 'contacted', to: 'qualified', actor: 'webhook:hubspot' }),
        },
      }),
    ]);
  });

  it('records a status that maps to nothing and changes nothing', async () => {
    const email = uniqueEmail('subscriber');
    const leadId = await createLead(email);
    const receipt = (await (await sendHubspot(workflowBody(email, 'subscriber'))).json()) as Receipt;
    const row = await settled(receipt.id);
    expect(row.outcome).toBe('ignored');
    expect(row.outcomeDetail).toBe('"subscriber" maps to no Leadgate stage');
    expect((await leadById(leadId)).stage).toBe('new');
    expect(await auditOf(leadId)).toHaveLength(0);
  });

  it('POST /webhooks/crm-update is the configured provider (HubSpot here)', async () => {
    const email = uniqueEmail('crm-update');
    const leadId = await createLead(email, { sale: 'agreement' });
    const path = '/api/v1/webhooks/crm-update';
    const body = workflowBody(email, 'customer');
    const res = await sendHubspot(body, path);
    expect(res.status).toBe(200);
    expect(await settled(((await res.json()) as Receipt).id)).toMatchObject({ outcome: 'applied', provider: 'hubspot', leadId });
    expect(await saleFor(leadId)).toMatchObject({ stage: 'paid' });
    expect(await auditTrail(leadId)).toEqual(['sale_stage_changed agreement→paid', 'trial_unlocked']);
    // Signed for the other URL: refused.
    expect((await sendHubspot(workflowBody(email, 'opportunity'), path, hubspotHeaders(PATH, workflowBody(email, 'opportunity')))).status).toBe(401);
  });
});

describe('HubSpot webhooks — unknown leads are kept, and replayed once the lead exists', () => {
  it('records unknown_lead, lists it, and a replay applies it exactly once', async () => {
    const email = uniqueEmail('later');
    const receipt = (await (await sendHubspot(workflowBody(email, 'customer'))).json()) as Receipt;
    expect(await settled(receipt.id)).toMatchObject({ outcome: 'unknown_lead', leadId: null });

    const list = await adminGet('/api/v1/webhook-events?provider=hubspot&outcome=unknown_lead&verified=true&limit=200');
    expect(list.status).toBe(200);
    const page = (await list.json()) as { items: Array<{ id: string; outcome: string; payload: unknown }> };
    expect(page.items.find((i) => i.id === receipt.id)).toMatchObject({ outcome: 'unknown_lead', payload: { email } });

    // The lead arrives, and a manager transfers it, before the admin replays the delivery.
    const leadId = await createLead(email, { sale: 'agreement' });
    const replay = (path: string) => call(path, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const replayed = await replay(`/api/v1/webhook-events/${receipt.id}/replay`);
    expect(replayed.status).toBe(202);
    await eventually(async () => (await saleFor(leadId))?.stage === 'paid');
    expect(await settled(receipt.id)).toMatchObject({ outcome: 'applied', outcomeDetail: 'customer → sale paid, trial unlocked', leadId });
    expect((await leadById(leadId)).trialUnlockedAt).toBeInstanceOf(Date);
    expect(await trialNotifications(leadId)).toHaveLength(1);
    const [moved] = await auditOf(leadId);
    expect(moved).toMatchObject({ action: 'sale_stage_changed', from: 'agreement', to: 'paid', data: { webhook_event_id: receipt.id } });

    // Applied now: a second replay is refused, so nothing can happen twice.
    const twice = await replay(`/api/v1/webhook-events/${receipt.id}/replay`);
    expect(twice.status).toBe(409);
    expect(twice.headers.get('content-type')).toContain('application/problem+json');
    expect((await call(`/api/v1/webhook-events/${receipt.id}/replay`, { method: 'POST' })).status).toBe(401);
    expect(await auditTrail(leadId)).toEqual(['sale_stage_changed agreement→paid', 'trial_unlocked']);
  });
});
