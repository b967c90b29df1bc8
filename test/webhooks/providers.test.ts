import { describe, expect, it } from 'vitest';
import { call, uniqueEmail } from '../support/api';
import { createLead, leadById, mondayStatusChange, mondayToken, pipedriveHeaders, postRaw, STANDARD_OLD, standardHeaders } from './signing';
import { auditOf, auditTrail, type Receipt, recordCrmSync, saleFor, settled, trialNotifications } from './support';

describe("Pipedrive webhooks (v2): a won deal marks its person's sale paid", () => {
  it('applies once per meta.id', async () => {
    const leadId = await createLead(uniqueEmail('pd'), { sale: 'agreement' });
    const personId = Date.now() % 1_000_000;
    await recordCrmSync(leadId, 'pipedrive', `person:${personId},lead:7f1e2d3c`);
    // Webhooks v2 payload: meta + data (the deal now) + previous (only the fields that changed).
    const body = JSON.stringify({
      data: {
        id: 41,
        title: 'Acme deal',
        value: 5000,
        currency: 'USD',
        status: 'won',
        stage_id: 4,
        pipeline_id: 1,
        owner_id: 18487521,
        person_id: personId,
        org_id: 2,
        add_time: '2026-11-20T10:00:00Z',
        update_time: '2026-11-24T10:00:00Z',
      },
      previous: { status: 'open' },
      meta: {
        action: 'change',
        entity: 'deal',
        entity_id: '41',
        id: crypto.randomUUID(),
        company_id: '12882925',
        user_id: '18487521',
        version: '2.0',
        timestamp: new Date().toISOString(),
        host: 'acme.pipedrive.com',
        attempt: 1,
        change_source: 'app',
        webhook_id: '99',
        webhook_owner_id: '18487521',
        permitted_user_ids: ['18487521'],
        is_bulk_edit: false,
        type: 'general',
      },
    });
    const res = await postRaw('/api/v1/webhooks/pipedrive', body, pipedriveHeaders());
    expect(res.status).toBe(200);
    const receipt = (await res.json()) as Receipt;
    const row = await settled(receipt.id);
    expect(row).toMatchObject({ outcome: 'applied', outcomeDetail: 'customer → sale paid, trial unlocked', leadId, deliveryId: expect.stringMatching(/^v2:/) });
    expect((await leadById(leadId)).stage).toBe('transferred');
    expect(await saleFor(leadId)).toMatchObject({ stage: 'paid' });
    expect(await trialNotifications(leadId)).toHaveLength(1);
    expect((await auditOf(leadId))[0]).toMatchObject({
      actor: 'webhook:pipedrive',
      action: 'sale_stage_changed',
      from: 'agreement',
      to: 'paid',
      data: { provider: 'pipedrive', crm_status: 'won', webhook_event_id: row.id, delivery_id: row.deliveryId },
    });

    const again = (await (await postRaw('/api/v1/webhooks/pipedrive', body, pipedriveHeaders())).json()) as Receipt;
    expect(again).toEqual({ id: receipt.id, duplicate: true });
    expect(await auditTrail(leadId)).toEqual(['sale_stage_changed agreement→paid', 'trial_unlocked']);
    expect(await trialNotifications(leadId)).toHaveLength(1);
  });
});

describe('monday.com webhooks', () => {
  it('answers the challenge handshake with the same JSON', async () => {
    const res = await postRaw('/api/v1/webhooks/monday', '{"challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"}', {});
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P' });
  });

  it('moves the lead named by the item to the status its label maps to (configured vocabulary)', async () => {
    const email = uniqueEmail('monday');
    const leadId = await createLead(email);
    const body = mondayStatusChange(1772099344, email, 'Working');
    const res = await postRaw('/api/v1/webhooks/monday', body, { authorization: await mondayToken({ aud: 'https://api.example.com/api/v1/webhooks/monday' }) });
    expect(res.status).toBe(200);
    const row = await settled(((await res.json()) as Receipt).id);
    expect(row).toMatchObject({ outcome: 'applied', outcomeDetail: 'contacted → lead contacted', leadId });
    const lead = await leadById(leadId);
    expect(lead).toMatchObject({ stage: 'contacted', version: 2, trialUnlockedAt: null });
    expect(await auditOf(leadId)).toEqual([
      expect.objectContaining({
        actor: 'webhook:monday',
        action: 'lead_stage_changed',
        from: 'new',
        to: 'contacted',
        data: { provider: 'monday', crm_status: 'Working', webhook_event_id: row.id, delivery_id: row.deliveryId },
      }),
    ]);
  });
});

describe('Standard Webhooks', () => {
  it('accepts a delivery signed with the previous key while keys rotate', async () => {
    const email = uniqueEmail('std');
    const leadId = await createLead(email, { sale: 'agreement' });
    const body = JSON.stringify({ type: 'contact.updated', timestamp: new Date().toISOString(), data: { email, status: 'customer' } });
    const headers = standardHeaders(body, { secret: STANDARD_OLD });
    const res = await postRaw('/api/v1/webhooks/standard', body, headers);
    expect(res.status).toBe(200);
    const receipt = (await res.json()) as Receipt;
    const row = await settled(receipt.id);
    expect(row).toMatchObject({ outcome: 'applied', leadId, deliveryId: headers['webhook-id'] });
    expect(await saleFor(leadId)).toMatchObject({ stage: 'paid' });

    // Same webhook-id again: one change, one notification.
    expect(await (await postRaw('/api/v1/webhooks/standard', body, headers)).json()).toEqual({ id: receipt.id, duplicate: true });
    expect(await trialNotifications(leadId)).toHaveLength(1);

    // A new delivery saying the same thing: recorded, nothing changes, the trial is not unlocked twice.
    const later = (await (await postRaw('/api/v1/webhooks/standard', body, standardHeaders(body))).json()) as Receipt;
    expect(later.duplicate).toBe(false);
    expect(await settled(later.id)).toMatchObject({ outcome: 'ignored', outcomeDetail: 'same_stage: the sale is already paid', leadId });
    expect(await trialNotifications(leadId)).toHaveLength(1);
    expect(await saleFor(leadId)).toMatchObject({ stage: 'paid', version: 2 });
    const audit = await auditOf(leadId);
    expect(audit.map((e) => e.action)).toEqual(['sale_stage_changed', 'trial_unlocked', 'refused']);
    expect(audit[0]).toMatchObject({
      actor: 'webhook:standard',
      from: 'agreement',
      to: 'paid',
      data: { crm_status: 'customer', webhook_event_id: receipt.id },
    });
    expect(audit[2]).toMatchObject({ actor: 'webhook:standard', from: 'sale:paid', to: 'crm_won', data: { rule: 'same_stage', webhook_event_id: later.id } });
  });
});

describe('documentation', () => {
  it('lists the webhook endpoints in the OpenAPI document', async () => {
    const res = await call('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/webhooks/{provider}', '/api/v1/webhooks/crm-update', '/api/v1/webhook-events', '/api/v1/webhook-events/{id}/replay']),
    );
  });
});
