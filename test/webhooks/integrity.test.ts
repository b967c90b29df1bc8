import { describe, expect, it } from 'vitest';
import { ADMIN_KEY, call, eventually, uniqueEmail } from '../support/api';
import { createLead, hubspotHeaders, leadById, postRaw, standardHeaders } from './signing';
import { historyOf, type Receipt, recordCrmSync, settled, trialNotifications } from './support';

const STANDARD = '/api/v1/webhooks/standard';
const HUBSPOT = '/api/v1/webhooks/hubspot';
const utf8 = (s: string) => new TextEncoder().encode(s);
const replay = (id: string) => call(`/api/v1/webhook-events/${id}/replay`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } });

describe('webhooks are verified on the exact bytes received', () => {
  it('a signed body with a UTF-8 BOM and bytes that are not UTF-8 verifies, is recorded and applied', async () => {
    const email = uniqueEmail('bom');
    const leadId = await createLead(email);
    const json = JSON.stringify({ type: 'contact.updated', data: { email, status: 'customer', note: 'XX' } });
    const [before, after] = json.split('XX') as [string, string];
    const body = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8(before), 0xc3, 0x28, 0xff, ...utf8(after)]);

    const res = await postRaw(STANDARD, body, standardHeaders(body));
    expect(res.status).toBe(200);
    const row = await settled(((await res.json()) as Receipt).id);
    expect(row).toMatchObject({ outcome: 'applied', leadId, verified: true });
    expect(row.payload).toMatchObject({ data: { email, status: 'customer', note: '\uFFFD(\uFFFD' } });
    expect((await leadById(leadId)).status).toBe('customer');

    // Signed over the decoded text instead of the bytes sent: refused.
    const decoded = new TextDecoder().decode(body);
    expect((await postRaw(STANDARD, body, standardHeaders(decoded))).status).toBe(401);
  });

  it('NUL and unpaired surrogates in a verified payload are recorded (as U+FFFD), never a 500', async () => {
    const email = uniqueEmail('nul');
    const leadId = await createLead(email);
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
    expect((await leadById(leadId)).status).toBe('qualified');

    // A status that only looks right once the NUL is dropped maps to nothing.
    const sneaky = JSON.stringify({ type: 'contact.updated', data: { email, status: 'custo\u0000mer' } });
    const sneakyRow = await settled(((await (await postRaw(STANDARD, sneaky, standardHeaders(sneaky))).json()) as Receipt).id);
    expect(sneakyRow.outcome).toBe('ignored');
    expect((await leadById(leadId)).status).toBe('qualified');

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

describe('a CRM never moves a lead backwards or out of customer', () => {
  // A workflow body carries no delivery id (identical bytes are a retry): each call says when it was sent.
  let sent = 0;
  const workflow = (email: string, lifecyclestage: string) => JSON.stringify({ email, lifecyclestage, sent: `${Date.now()}-${sent++}` });
  const send = async (body: string) => settled(((await (await postRaw(HUBSPOT, body, hubspotHeaders(HUBSPOT, body))).json()) as Receipt).id);

  it('HubSpot customer, then a later lost (unqualified): the lead stays customer', async () => {
    const email = uniqueEmail('final');
    const leadId = await createLead(email);
    expect(await send(workflow(email, 'customer'))).toMatchObject({ outcome: 'applied', leadId });
    const later = await send(workflow(email, 'unqualified'));
    expect(later).toMatchObject({ outcome: 'ignored', outcomeDetail: 'customer is final', leadId });
    expect(await send(workflow(email, 'salesqualifiedlead'))).toMatchObject({ outcome: 'ignored', outcomeDetail: 'customer is final' });
    const lead = await leadById(leadId);
    expect(lead.status).toBe('customer');
    expect((await historyOf(leadId)).filter((e) => e.type === 'status_changed').map((e) => e.payload)).toEqual([
      expect.objectContaining({ from: 'new', to: 'customer' }),
    ]);
  });

  it('qualified does not go back to contacted; lost may only be won back', async () => {
    const email = uniqueEmail('forward');
    const leadId = await createLead(email);
    expect(await send(workflow(email, 'opportunity'))).toMatchObject({ outcome: 'applied' });
    expect(await send(workflow(email, 'attempted_to_contact'))).toMatchObject({
      outcome: 'ignored',
      outcomeDetail: 'qualified → contacted would go backwards',
    });
    expect(await send(workflow(email, 'unqualified'))).toMatchObject({ outcome: 'applied', outcomeDetail: 'qualified → lost' });
    expect(await send(workflow(email, 'opportunity'))).toMatchObject({ outcome: 'ignored', outcomeDetail: 'lost can only become customer, not qualified' });
    expect(await send(workflow(email, 'customer'))).toMatchObject({ outcome: 'applied', outcomeDetail: 'lost → customer, trial unlocked' });
    expect((await leadById(leadId)).status).toBe('customer');
  });
});

describe('a batch with an unknown lead stays replayable, and a replay applies only what was not applied', () => {
  it('applies the known change, keeps unknown_lead, and the replay applies the rest exactly once', async () => {
    const known = await createLead(uniqueEmail('batch-known'));
    const later = await createLead(uniqueEmail('batch-later'));
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
    expect(row.outcomeDetail).toMatch(/^partly applied: new → customer, trial unlocked; no lead for this hubspot record/);
    expect((await leadById(known)).status).toBe('customer');
    expect(await trialNotifications(known)).toHaveLength(1);

    // The other contact reaches Leadgate's CRM sync; the admin replays the delivery.
    await recordCrmSync(later, 'hubspot', laterContact);
    expect((await replay(receipt.id)).status).toBe(202);
    const replayed = await eventually(async () => {
      const r = await settled(receipt.id);
      return r.outcome === 'applied' ? r : null;
    });
    expect(replayed.outcomeDetail).toBe('lead already customer; new → customer, trial unlocked');
    expect((await leadById(later)).status).toBe('customer');
    expect(await trialNotifications(later)).toHaveLength(1);
    // Nothing happened twice to the lead the first pass moved.
    expect(await trialNotifications(known)).toHaveLength(1);
    expect((await historyOf(known)).filter((e) => e.type === 'status_changed' || e.type === 'trial_unlocked')).toHaveLength(2);

    expect((await replay(receipt.id)).status).toBe(409);
  });
});
