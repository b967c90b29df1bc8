import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, adminGet, call, eventually, uniqueEmail } from '../support/api';
import { providerCalls } from '../support/msw';
import { createLead, hubspotHeaders, leadById, postRaw } from './signing';
import { historyOf, type Receipt, recordCrmSync, settled, sleep, trialNotifications } from './support';

const PATH = '/api/v1/webhooks/hubspot';

/** A workflow "Send a webhook" action with a customised body: the contact's properties by internal name. */
const workflowBody = (email: string, lifecyclestage: string) => JSON.stringify({ email, lifecyclestage, hs_object_id: '51' });

async function sendHubspot(body: string, path = PATH, headers = hubspotHeaders(path, body)): Promise<Response> {
  return postRaw(path, body, headers);
}

describe('HubSpot webhooks — a signed status change moves the lead', () => {
  it('makes the lead a customer, unlocks the trial once, and a repeat changes nothing', async () => {
    const email = uniqueEmail('won');
    const leadId = await createLead(email);
    const body = workflowBody(email.toUpperCase(), 'customer');

    const res = await sendHubspot(body);
    expect(res.status).toBe(200);
    const receipt = (await res.json()) as Receipt;
    expect(receipt.duplicate).toBe(false);
    const row = await settled(receipt.id);
    expect(row).toMatchObject({ outcome: 'applied', verified: true, leadId, provider: 'hubspot' });

    const lead = await leadById(leadId);
    expect(lead.status).toBe('customer');
    expect(lead.trialUnlockedAt).toBeInstanceOf(Date);
    const history = await historyOf(leadId);
    expect(history.filter((e) => e.type === 'status_changed').map((e) => e.payload)).toEqual([
      expect.objectContaining({ from: 'new', to: 'customer', provider: 'hubspot', delivery_id: row.deliveryId }),
    ]);
    expect(history.filter((e) => e.type === 'trial_unlocked')).toHaveLength(1);
    const [notification] = await trialNotifications(leadId);
    expect(notification).toMatchObject({
      key: 'trial_unlocked',
      payload: { type: 'lead.trial_unlocked', data: { lead_id: leadId, email: lead.email, company_domain: 'acme-test.com' } },
    });
    // The product is told through the fan-out: a signed Standard Webhook to PRODUCT_WEBHOOK_URL.
    const sent = await eventually(async () => providerCalls.find((c) => c.provider === 'product_webhook' && c.body.includes(leadId)));
    expect(sent.headers['webhook-signature']).toMatch(/^v1,/);

    // HubSpot retries the same delivery (re-signed with a new timestamp): acknowledged, not applied.
    await sleep(5);
    const again = await sendHubspot(body);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ id: receipt.id, duplicate: true });
    await sleep(1500);
    expect((await historyOf(leadId)).filter((e) => e.type === 'status_changed' || e.type === 'trial_unlocked')).toHaveLength(2);
    expect(await trialNotifications(leadId)).toHaveLength(1);
    expect((await leadById(leadId)).trialUnlockedAt).toEqual(lead.trialUnlockedAt);
  });

  it('reads a webhooks-API batch by contact id, through the id our CRM sync was given', async () => {
    const leadId = await createLead(uniqueEmail('batch'));
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
    expect(await settled(receipt.id)).toMatchObject({ outcome: 'applied', leadId });
    const lead = await leadById(leadId);
    expect(lead.status).toBe('qualified');
    expect(lead.trialUnlockedAt).toBeNull();
    expect(await trialNotifications(leadId)).toHaveLength(0);
  });

  it('records a status that maps to nothing and changes nothing', async () => {
    const email = uniqueEmail('subscriber');
    const leadId = await createLead(email);
    const receipt = (await (await sendHubspot(workflowBody(email, 'subscriber'))).json()) as Receipt;
    const row = await settled(receipt.id);
    expect(row.outcome).toBe('ignored');
    expect(row.outcomeDetail).toContain('maps to no Leadgate status');
    expect((await leadById(leadId)).status).toBe('new');
    expect(await historyOf(leadId)).toHaveLength(0);
  });

  it('POST /webhooks/crm-update is the configured provider (HubSpot here)', async () => {
    const email = uniqueEmail('crm-update');
    const leadId = await createLead(email);
    const path = '/api/v1/webhooks/crm-update';
    const body = workflowBody(email, 'customer');
    const res = await sendHubspot(body, path);
    expect(res.status).toBe(200);
    await settled(((await res.json()) as Receipt).id);
    expect((await leadById(leadId)).status).toBe('customer');
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

    const leadId = await createLead(email);
    const replay = (path: string) => call(path, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const replayed = await replay(`/api/v1/webhook-events/${receipt.id}/replay`);
    expect(replayed.status).toBe(202);
    await eventually(async () => (await leadById(leadId)).status === 'customer');
    expect(await settled(receipt.id)).toMatchObject({ outcome: 'applied', leadId });
    expect(await trialNotifications(leadId)).toHaveLength(1);

    // Applied now: a second replay is refused, so nothing can happen twice.
    const twice = await replay(`/api/v1/webhook-events/${receipt.id}/replay`);
    expect(twice.status).toBe(409);
    expect(twice.headers.get('content-type')).toContain('application/problem+json');
    expect((await call(`/api/v1/webhook-events/${receipt.id}/replay`, { method: 'POST' })).status).toBe(401);
  });
});
