import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, call, eventually, uniqueEmail } from '../support/api';
import { createLead, hubspotHeaders, leadById, postRaw, standardHeaders } from './signing';
import { auditOf, auditTrail, type Receipt, recordCrmSync, saleFor, settled, trialNotifications } from './support';

const STANDARD = '/api/v1/webhooks/standard';
const HUBSPOT = '/api/v1/webhooks/hubspot';
const utf8 = (s: string) => new TextEncoder().encode(s);
const replay = (id: string) => call(`/api/v1/webhook-events/${id}/replay`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });

describe('webhooks are verified on the exact bytes received', () => {
  it('a signed body with a UTF-8 BOM and bytes that are not UTF-8 verifies, is recorded and applied', async () => {
    const email = uniqueEmail('bom');
    const leadId = await createLead(email, { sale: 'new' });
    const json = JSON.stringify({ type: 'contact.updated', data: { email, status: 'customer', note: 'XX' } });
    const [before, after] = json.split('XX') as [string, string];
    const body = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(before), 0xc3, 0x28, 0xff, ...utf8(after)]);

    const res = await postRaw(STANDARD, body, standardHeaders(body));
    expect(res.status).toBe(200);
    const row = await settled(((await res.json()) as Receipt).id);
    expect(row).toMatchObject({ outcome: 'applied', leadId, verified: true });
    expect(row.payload).toMatchObject({ data: { email, status: 'customer', note: '\uFFFD(\uFFFD' } });
    expect(await saleFor(leadId)).toMatchObject({ stage: 'paid' });
    expect(await auditOf(leadId)).toContainEqual(
      expect.objectContaining({
        actor: 'webhook:standard',
        action: 'sale_stage_changed',
        from: 'new',
        to: 'paid',
        data: expect.objectContaining({ passed_over: ['kyc', 'agreement'] }),
      }),
    );

    // Signed over the decoded text instead of the bytes sent: refused.
    const decoded = new TextDecoder().decode(body);
    expect((await postRaw(STANDARD, body, standardHeaders(decoded))).status).toBe(401);
  });

  it('NUL and unpaired surrogates in a verified payload are recorded (as U+FFFD), never a 500', async () => {
    const email = uniqueEmail('nul');
    const leadId = await createLead(email, { stage: 'contacted' });
    const body = JSON.stringify({
      type: 'contact.updated',
      data: { email, status: 'qualified', name: 'Ann\u0000e', company: '\ud800Acme\udfff', 'k\u0000ey': 1 },
    });
    expect(body).toContain('\\u0000');

    const res = await postRaw(STANDARD, body, standardHeaders(body));
    expect(res.status).toBe(200);
    const row = await settled(((await res.json()) as Receipt).id);
    expect(row).toMatchObject({
      outcome: 'applied',
      leadId,
      payload: { data: { email, status: 'qualified', name: 'Ann\uFFFDe', company: '\uFFFDAcme\uFFFD', 'k\uFFFDey': 1 } },
    });
    expect((await leadById(leadId)).stage).toBe('qualified');

    // A status that only looks right once the NUL is dropped maps to nothing.
    const sneaky = JSON.stringify({ type: 'contact.updated', data: { email, status: 'custo\u0000mer' } });
    const sneakyRow = await settled(((await (await postRaw(STANDARD, sneaky, standardHeaders(sneaky))).json()) as Receipt).id);
    expect(sneakyRow).toMatchObject({ outcome: 'ignored', outcomeDetail: '"custo\uFFFDmer" maps to no Leadgate stage' });
    expect((await leadById(leadId)).stage).toBe('qualified');
    expect(await auditTrail(leadId)).toEqual(['lead_stage_changed contacted→qualified']);

    // HubSpot delivery ids come from the body: a NUL in an eventId is hashed, not stored.
    const batch = JSON.stringify([
      { eventId: `e\u0000${Date.now()}`, subscriptionType: 'contact.propertyChange', objectId: 1, propertyName: 'firstname', propertyValue: 'x' },
    ]);
    const hub = await postRaw(HUBSPOT, batch, hubspotHeaders(HUBSPOT, batch));
    expect(hub.status).toBe(200);
    expect((await settled(((await hub.json()) as Receipt).id)).deliveryId).toMatch(/^events:sha256:/);
  });

  it('a verified body that is not JSON is a 400 problem', async () => {
    const body = 'email=a@b.co&status=customer';
    const res = await postRaw(STANDARD, body, standardHeaders(body));
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toContain('application/problem+json');
    expect(await res.json()).toMatchObject({ code: 'malformed_json' });
  });
});

describe('a CRM moves a lead one step forward, never back, and never out of a terminal stage but by a won deal', () => {
  // A workflow body carries no delivery id (identical bytes are a retry): each call says when it was sent.
  let sent = 0;
  const workflow = (email: string, lifecyclestage: string) => JSON.stringify({ email, lifecyclestage, sent: `${Date.now()}-${sent++}` });
  const send = async (body: string) => settled(((await (await postRaw(HUBSPOT, body, hubspotHeaders(HUBSPOT, body))).json()) as Receipt).id);

  it('HubSpot customer marks the sale paid; a later lost (unqualified), qualified or customer changes nothing', async () => {
    const email = uniqueEmail('final');
    const leadId = await createLead(email, { sale: 'agreement' });
    expect(await send(workflow(email, 'customer'))).toMatchObject({ outcome: 'applied', outcomeDetail: 'customer → sale paid, trial unlocked', leadId });
    expect(await send(workflow(email, 'unqualified'))).toMatchObject({ outcome: 'ignored', outcomeDetail: 'terminal: paid is final for the sale', leadId });
    expect(await send(workflow(email, 'salesqualifiedlead'))).toMatchObject({
      outcome: 'ignored',
      outcomeDetail: 'terminal: transferred is final for the lead',
    });
    expect(await send(workflow(email, 'evangelist'))).toMatchObject({ outcome: 'ignored', outcomeDetail: 'same_stage: the sale is already paid' });

    expect((await leadById(leadId)).stage).toBe('transferred');
    expect(await saleFor(leadId)).toMatchObject({ stage: 'paid', version: 2 });
    expect(await trialNotifications(leadId)).toHaveLength(1);
    // One change (and its trial), then each refusal on record with the rule that refused it.
    const audit = await auditOf(leadId);
    expect(await auditTrail(leadId)).toEqual([
      'sale_stage_changed agreement→paid',
      'trial_unlocked',
      'refused sale:paid→crm_lost',
      'refused transferred→qualified',
      'refused sale:paid→crm_won',
    ]);
    expect(audit.slice(2).map((e) => [e.actor, e.data.rule, e.data.crm_status])).toEqual([
      ['webhook:hubspot', 'terminal', 'unqualified'],
      ['webhook:hubspot', 'terminal', 'salesqualifiedlead'],
      ['webhook:hubspot', 'same_stage', 'evangelist'],
    ]);
  });

  it('one step at a time: a skip, staying put and going back are refused; a lost lead stays lost', async () => {
    const email = uniqueEmail('forward');
    const leadId = await createLead(email);
    expect(await send(workflow(email, 'opportunity'))).toMatchObject({ outcome: 'ignored', outcomeDetail: 'skips: new → qualified skips contacted' });
    expect((await leadById(leadId)).stage).toBe('new');
    expect(await send(workflow(email, 'attempted_to_contact'))).toMatchObject({ outcome: 'applied', outcomeDetail: 'contacted → lead contacted' });
    expect(await send(workflow(email, 'connected'))).toMatchObject({ outcome: 'ignored', outcomeDetail: 'same_stage: the lead is already contacted' });
    expect(await send(workflow(email, 'opportunity'))).toMatchObject({ outcome: 'applied', outcomeDetail: 'qualified → lead qualified' });
    expect(await send(workflow(email, 'attempted_to_contact'))).toMatchObject({
      outcome: 'ignored',
      outcomeDetail: 'backwards: qualified → contacted goes backwards',
    });
    expect(await send(workflow(email, 'unqualified'))).toMatchObject({ outcome: 'applied', outcomeDetail: 'lost → lead lost' });
    expect(await send(workflow(email, 'opportunity'))).toMatchObject({ outcome: 'ignored', outcomeDetail: 'terminal: lost is final for the lead' });
    // A won deal cannot bring back a lead that never had a sale.
    const won = await send(workflow(email, 'customer'));
    expect(won).toMatchObject({ outcome: 'ignored' });
    expect(won.outcomeDetail).toMatch(/^no_sale: /);

    const lead = await leadById(leadId);
    expect(lead).toMatchObject({ stage: 'lost', version: 4, trialUnlockedAt: null });
    expect(await saleFor(leadId)).toBeNull();
    expect(await trialNotifications(leadId)).toHaveLength(0);
    expect((await auditOf(leadId)).map((e) => `${e.action} ${e.from}→${e.to} ${e.data.rule ?? ''}`.trim())).toEqual([
      'refused new→qualified skips',
      'lead_stage_changed new→contacted',
      'refused contacted→contacted same_stage',
      'lead_stage_changed contacted→qualified',
      'refused qualified→contacted backwards',
      'lead_stage_changed qualified→lost',
      'refused lost→qualified terminal',
      'refused lost→crm_won no_sale',
    ]);
  });

  it('lost loses the open sale; a later won revives it as paid (sale_revived) and unlocks the trial; then it is final', async () => {
    const email = uniqueEmail('revived');
    const leadId = await createLead(email, { sale: 'kyc' });
    expect(await send(workflow(email, 'unqualified'))).toMatchObject({ outcome: 'applied', outcomeDetail: 'lost → sale lost', leadId });
    const lostSale = await saleFor(leadId);
    expect(lostSale).toMatchObject({ stage: 'lost' });
    expect(lostSale?.closedAt).toBeInstanceOf(Date);
    expect((await leadById(leadId)).stage).toBe('transferred');

    const revival = await send(workflow(email, 'customer'));
    expect(revival).toMatchObject({ outcome: 'applied', outcomeDetail: 'customer → sale paid (a lost sale revived), trial unlocked', leadId });
    expect(await saleFor(leadId)).toMatchObject({ id: lostSale?.id, stage: 'paid', version: 3 });
    const lead = await leadById(leadId);
    expect(lead.stage).toBe('transferred');
    expect(lead.trialUnlockedAt).toBeInstanceOf(Date);
    expect(await trialNotifications(leadId)).toHaveLength(1);

    expect(await send(workflow(email, 'unqualified'))).toMatchObject({ outcome: 'ignored', outcomeDetail: 'terminal: paid is final for the sale' });
    expect(await saleFor(leadId)).toMatchObject({ stage: 'paid', version: 3 });

    const audit = await auditOf(leadId);
    expect(await auditTrail(leadId)).toEqual(['sale_stage_changed kyc→lost', 'sale_revived lost→paid', 'trial_unlocked', 'refused sale:paid→crm_lost']);
    expect(audit[1]).toMatchObject({
      actor: 'webhook:hubspot',
      saleId: lostSale?.id,
      reason: 'a CRM reported the lost deal as won',
      data: { provider: 'hubspot', crm_status: 'customer', webhook_event_id: revival.id, delivery_id: revival.deliveryId },
    });
  });
});

describe('a batch with an unknown lead stays replayable, and a replay applies only what was not applied', () => {
  it('applies the known change, keeps unknown_lead, and the replay applies the rest exactly once', async () => {
    const known = await createLead(uniqueEmail('batch-known'), { sale: 'agreement' });
    const later = await createLead(uniqueEmail('batch-later'), { sale: 'kyc' });
    const base = Date.now() % 1_000_000_000;
    const [knownContact, laterContact] = [String(base), String(base + 1)];
    await recordCrmSync(known, 'hubspot', knownContact);
    const event = (eventId: number, objectId: string, propertyValue: string) => ({
      eventId,
      subscriptionId: 1,
      portalId: 62515,
      appId: 54321,
      occurredAt: Date.now(),
      subscriptionType: 'contact.propertyChange',
      attemptNumber: 0,
      objectId: Number(objectId),
      propertyName: 'lifecyclestage',
      propertyValue,
      changeSource: 'CRM_UI',
    });
    const body = JSON.stringify([event(Date.now() * 10, knownContact, 'customer'), event(Date.now() * 10 + 1, laterContact, 'customer')]);

    const receipt = (await (await postRaw(HUBSPOT, body, hubspotHeaders(HUBSPOT, body))).json()) as Receipt;
    const row = await settled(receipt.id);
    expect(row).toMatchObject({ outcome: 'unknown_lead', leadId: known });
    expect(row.outcomeDetail).toMatch(/^partly applied: customer → sale paid, trial unlocked; no lead for this hubspot record/);
    expect(await saleFor(known)).toMatchObject({ stage: 'paid' });
    expect(await trialNotifications(known)).toHaveLength(1);
    expect(await saleFor(later)).toMatchObject({ stage: 'kyc' });

    // The other contact reaches Leadgate's CRM sync; the admin replays the delivery.
    await recordCrmSync(later, 'hubspot', laterContact);
    expect((await replay(receipt.id)).status).toBe(202);
    const replayed = await eventually(async () => {
      const r = await settled(receipt.id);
      return r.outcome === 'applied' ? r : null;
    });
    expect(replayed.outcomeDetail).toBe('same_stage: the sale is already paid; customer → sale paid, trial unlocked');
    expect(await saleFor(later)).toMatchObject({ stage: 'paid' });
    expect(await trialNotifications(later)).toHaveLength(1);
    expect(await auditTrail(later)).toEqual(['sale_stage_changed kyc→paid', 'trial_unlocked']);
    // Nothing happened twice to the lead the first pass moved: the replay's second look is a refusal on record.
    expect(await trialNotifications(known)).toHaveLength(1);
    expect(await saleFor(known)).toMatchObject({ stage: 'paid', version: 2 });
    expect(await auditTrail(known)).toEqual(['sale_stage_changed agreement→paid', 'trial_unlocked', 'refused sale:paid→crm_won']);

    expect((await replay(receipt.id)).status).toBe(409);
  });
});
