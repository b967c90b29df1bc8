import { describe, expect, it } from 'vitest';
import { newId } from '../../src/domain/ids';
import { uniqueEmail } from '../support/api';
import { createLead, hubspotHeaders, leadById, mondayToken, pipedriveHeaders, postRaw, STANDARD_NEW, standardHeaders } from './signing';
import { auditOf, rowsFor, saleFor, sleep, trialNotifications } from './support';

const PATH = '/api/v1/webhooks/hubspot';

async function expectRefused(res: Response) {
  expect(res.status).toBe(401);
  expect(res.headers.get('content-type')).toContain('application/problem+json');
  const problem = (await res.json()) as Record<string, unknown>;
  expect(problem).toMatchObject({ code: 'unauthorized', detail: 'The webhook could not be authenticated.' });
  // Nothing about which check failed reaches the caller.
  expect(JSON.stringify(problem)).not.toMatch(/signature|timestamp|expired|credential|secret/i);
}

describe('forged or replayed webhooks get 401 and change nothing', () => {
  it('HubSpot: wrong secret, one byte changed, stale or future timestamp, missing headers', async () => {
    const email = uniqueEmail('forged');
    // A transferred lead, so that the same body, signed, would mark its sale paid.
    const leadId = await createLead(email, { sale: 'agreement' });
    const body = JSON.stringify({ email, lifecyclestage: 'customer' });
    const since = newId();

    await expectRefused(await postRaw(PATH, body, hubspotHeaders(PATH, body, { secret: 'not-the-client-secret' })));
    await expectRefused(await postRaw(PATH, body.replace('customer', 'customeR'), hubspotHeaders(PATH, body)));
    await expectRefused(await postRaw(PATH, `${body} `, hubspotHeaders(PATH, body)));
    await expectRefused(await postRaw(PATH, body, hubspotHeaders(PATH, body, { timestamp: Date.now() - 301_000 })));
    await expectRefused(await postRaw(PATH, body, hubspotHeaders(PATH, body, { timestamp: Date.now() + 301_000 })));
    const { 'x-hubspot-signature-v3': _sig, ...noSignature } = hubspotHeaders(PATH, body);
    await expectRefused(await postRaw(PATH, body, noSignature));
    const { 'x-hubspot-request-timestamp': _ts, ...noTimestamp } = hubspotHeaders(PATH, body);
    await expectRefused(await postRaw(PATH, body, noTimestamp));

    await sleep(1000);
    const lead = await leadById(leadId);
    expect(lead).toMatchObject({ stage: 'transferred', version: 1, trialUnlockedAt: null });
    expect(await saleFor(leadId)).toMatchObject({ stage: 'agreement', version: 1 });
    expect(await auditOf(leadId)).toHaveLength(0);
    expect(await trialNotifications(leadId)).toHaveLength(0);
    // Each refusal is on record with its reason, without the body a stranger sent.
    // (Other test files may add rejections meanwhile: count at least ours.)
    const rejected = (await rowsFor('hubspot')).filter((r) => !r.verified && r.id > since);
    const count = (reason: string) => rejected.filter((r) => r.rejectionReason === reason).length;
    expect(count('bad_signature')).toBeGreaterThanOrEqual(3);
    expect(count('timestamp_outside_window')).toBe(2);
    expect(count('missing_header')).toBe(2);
    expect(rejected.every((r) => r.payload === null && r.deliveryId === null && r.outcome === 'ignored')).toBe(true);
  });

  it('Pipedrive: wrong password or none', async () => {
    const body = JSON.stringify({
      meta: { action: 'change', entity: 'deal', version: '2.0', id: crypto.randomUUID() },
      data: { id: 1, status: 'won', person_id: 3 },
      previous: { status: 'open' },
    });
    await expectRefused(await postRaw('/api/v1/webhooks/pipedrive', body, pipedriveHeaders(undefined, 'guessed-password')));
    await expectRefused(await postRaw('/api/v1/webhooks/pipedrive', body, {}));
  });

  it('monday.com: a token signed with another secret, an expired one, none', async () => {
    const body = JSON.stringify({
      event: { type: 'update_column_value', triggerUuid: crypto.randomUUID(), pulseId: 1, pulseName: uniqueEmail(), value: { label: { text: 'Won' } } },
    });
    await expectRefused(await postRaw('/api/v1/webhooks/monday', body, { authorization: await mondayToken({ secret: 'someone-elses-signing-secret' }) }));
    await expectRefused(
      await postRaw('/api/v1/webhooks/monday', body, { authorization: await mondayToken({ expiresIn: Math.floor(Date.now() / 1000) - 10 }) }),
    );
    await expectRefused(await postRaw('/api/v1/webhooks/monday', body, {}));
  });

  it('Standard Webhooks: an unknown key, a replayed old timestamp, a missing id', async () => {
    const body = JSON.stringify({ type: 'contact.updated', timestamp: new Date().toISOString(), data: { email: uniqueEmail(), status: 'customer' } });
    const unknownKey = `whsec_${btoa('an-attacker-chose-this-key-material')}`;
    await expectRefused(await postRaw('/api/v1/webhooks/standard', body, standardHeaders(body, { secret: unknownKey })));
    await expectRefused(
      await postRaw('/api/v1/webhooks/standard', body, standardHeaders(body, { secret: STANDARD_NEW, timestamp: Math.floor(Date.now() / 1000) - 600 })),
    );
    const { 'webhook-id': _id, ...noId } = standardHeaders(body);
    await expectRefused(await postRaw('/api/v1/webhooks/standard', body, noId));
  });

  it('an unknown provider is not an endpoint', async () => {
    const res = await postRaw('/api/v1/webhooks/salesforce', '{}', {});
    expect(res.status).toBe(422);
  });
});
