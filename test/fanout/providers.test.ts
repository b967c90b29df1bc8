import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { deliveries, leads } from '../../src/db/schema';
import { hubSpotUpsertRequest, syncHubSpotMeeting } from '../../src/integrations/crm/hubspot';
import { syncPipedriveMeeting, syncPipedrivePerson } from '../../src/integrations/crm/pipedrive';
import { sendGridRequest } from '../../src/integrations/email/sendgrid';
import { sesRequest } from '../../src/integrations/email/ses';
import { sendStandardWebhook } from '../../src/integrations/outbound-webhook/standard-webhook';
import { parseRetryAfter } from '../../src/integrations/provider-call';
import { sendSms } from '../../src/integrations/sms/twilio';
import { database, eventually, postJson, uniqueEmail } from '../support/api';

const contact = {
  leadId: 'l1',
  email: 'ada@analytical.io',
  firstName: 'Ada',
  lastName: 'Lovelace',
  company: 'Analytical',
  companyDomain: 'analytical.io',
  phone: '+14155550123',
  status: 'qualified',
  source: 'pricing',
};
const email = {
  template: 'lead_confirmation',
  to: [{ email: 'ada@analytical.io', name: 'Ada' }],
  data: { name: 'Ada', source: 'pricing' },
  attachments: [{ filename: 'invite.ics', contentType: 'text/calendar; method=REQUEST', content: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR' }],
};

describe('provider request shapes', () => {
  it('SendGrid v3 mail/send: rendered content, or a dynamic template with its data', async () => {
    const o = { apiKey: 'SG.k', apiUrl: 'https://api.sendgrid.com', from: { email: 'no-reply@x.com', name: 'X' }, templateIds: new Map(), timeoutMs: 1000 };
    const rendered = sendGridRequest(o, email);
    expect(rendered.url).toBe('https://api.sendgrid.com/v3/mail/send');
    expect(rendered.headers.get('authorization')).toBe('Bearer SG.k');
    const body = (await rendered.json()) as any;
    expect(body.personalizations).toEqual([{ to: [{ email: 'ada@analytical.io', name: 'Ada' }] }]);
    expect(body.from).toEqual({ email: 'no-reply@x.com', name: 'X' });
    expect(body.subject).toBeTruthy();
    expect(body.content.map((c: any) => c.type)).toEqual(['text/plain', 'text/html']);
    expect(body.attachments).toEqual([
      { content: btoa('BEGIN:VCALENDAR\r\nEND:VCALENDAR'), filename: 'invite.ics', type: 'text/calendar; method=REQUEST', disposition: 'attachment' },
    ]);

    const templated = (await sendGridRequest({ ...o, templateIds: new Map([['lead_confirmation', 'd-123']]) }, email).json()) as any;
    expect(templated.template_id).toBe('d-123');
    expect(templated.personalizations[0].dynamic_template_data).toEqual({ name: 'Ada', source: 'pricing' });
    expect(templated.content).toBeUndefined();
  });

  it('Amazon SES v2 SendEmail, SigV4-signed', async () => {
    const req = await sesRequest(
      { region: 'eu-west-1', accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret', from: { email: 'no-reply@x.com' }, timeoutMs: 1000 },
      email,
    );
    expect(req.url).toBe('https://email.eu-west-1.amazonaws.com/v2/email/outbound-emails');
    expect(req.headers.get('authorization')).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/ses\/aws4_request, SignedHeaders=.*, Signature=[0-9a-f]{64}$/,
    );
    const body = (await req.json()) as any;
    expect(body.FromEmailAddress).toBe('no-reply@x.com');
    expect(body.Destination).toEqual({ ToAddresses: ['"Ada" <ada@analytical.io>'] });
    expect(body.Content.Simple.Subject.Data).toBeTruthy();
    expect(body.Content.Simple.Body.Html.Data).toContain('<html>');
    expect(body.Content.Simple.Attachments[0]).toMatchObject({ FileName: 'invite.ics', ContentDisposition: 'ATTACHMENT' });
  });

  it('HubSpot CRM v3 batch upsert by email with lead status and lifecycle stage', async () => {
    const req = hubSpotUpsertRequest({ accessToken: 'pat', apiUrl: 'https://api.hubapi.com', timeoutMs: 1000 }, [contact]);
    expect(req.url).toBe('https://api.hubapi.com/crm/v3/objects/contacts/batch/upsert');
    expect(req.headers.get('authorization')).toBe('Bearer pat');
    expect(await req.json()).toEqual({
      inputs: [
        {
          idProperty: 'email',
          id: 'ada@analytical.io',
          properties: {
            email: 'ada@analytical.io',
            firstname: 'Ada',
            lastname: 'Lovelace',
            company: 'Analytical',
            website: 'analytical.io',
            phone: '+14155550123',
            hs_lead_status: 'OPEN_DEAL',
            lifecyclestage: 'salesqualifiedlead',
          },
        },
      ],
    });
  });

  it('Pipedrive: search the person, create them, then create their lead — and reuse both on a retry', async () => {
    const seen: string[] = [];
    let person: number | undefined;
    let lead: string | undefined;
    const fetcher = async (r: Request) => {
      const url = new URL(r.url);
      seen.push(`${r.method} ${url.pathname}`);
      expect(r.headers.get('x-api-token')).toBe('tok');
      if (url.pathname === '/api/v2/persons/search')
        return Response.json({ success: true, data: { items: person ? [{ result_score: 1, item: { id: person } }] : [] } });
      if (url.pathname === '/api/v2/persons') {
        expect(await r.json()).toEqual({
          name: 'Ada Lovelace',
          emails: [{ value: 'ada@analytical.io', primary: true, label: 'work' }],
          phones: [{ value: '+14155550123', primary: true, label: 'work' }],
        });
        person = 42;
        return Response.json({ success: true, data: { id: 42 } }, { status: 201 });
      }
      if (url.pathname === '/v1/leads' && r.method === 'GET') return Response.json({ success: true, data: lead ? [{ id: lead }] : null });
      expect(await r.json()).toEqual({ title: 'Analytical — pricing', person_id: 42 });
      lead = 'adf21080-0e10-11eb-879b-05d71fb426ec';
      return Response.json({ success: true, data: { id: lead } }, { status: 201 });
    };
    const o = { apiToken: 'tok', apiUrl: 'https://api.pipedrive.com', timeoutMs: 1000 };
    expect(await syncPipedrivePerson(fetcher, o, contact)).toMatchObject({ ok: true, reference: `person:42,lead:${lead}` });
    expect(await syncPipedrivePerson(fetcher, o, contact)).toMatchObject({ ok: true });
    expect(seen).toEqual([
      'GET /api/v2/persons/search',
      'POST /api/v2/persons',
      'GET /v1/leads',
      'POST /v1/leads',
      'GET /api/v2/persons/search',
      'GET /v1/leads',
    ]);
  });

  it('HubSpot meeting: contact upserted, meeting looked up by its URL and created once, then moved on a reschedule', async () => {
    const meetings = new Map<string, Record<string, string>>();
    const seen: string[] = [];
    let answerLost = true;
    const fetcher = async (r: Request) => {
      const url = new URL(r.url);
      seen.push(`${r.method} ${url.pathname}`);
      const body = r.method === 'GET' ? undefined : ((await r.json()) as any);
      if (url.pathname.endsWith('/contacts/batch/upsert')) return Response.json({ status: 'COMPLETE', results: [{ id: '101', new: false, properties: {} }] });
      if (url.pathname.endsWith('/meetings/search')) {
        const wanted = body.filterGroups[0].filters[0];
        expect(wanted).toMatchObject({ propertyName: 'hs_meeting_external_url', operator: 'EQ' });
        const found = [...meetings].filter(([, p]) => p.hs_meeting_external_url === wanted.value).map(([id]) => ({ id, properties: {} }));
        return Response.json({ total: found.length, results: found });
      }
      if (r.method === 'POST' && url.pathname === '/crm/v3/objects/meetings') {
        expect(body.associations).toEqual([{ to: { id: '101' }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: 200 }] }]);
        meetings.set('9001', body.properties);
        // The first time, the answer never reaches us (a timeout after HubSpot created the meeting).
        if (answerLost) {
          answerLost = false;
          throw new DOMException('The operation timed out.', 'TimeoutError');
        }
        return Response.json({ id: '9001', properties: body.properties }, { status: 201 });
      }
      if (r.method === 'PATCH') {
        meetings.set(url.pathname.split('/').pop()!, { ...meetings.get(url.pathname.split('/').pop()!), ...body.properties });
        return Response.json({ id: url.pathname.split('/').pop(), properties: body.properties });
      }
      throw new Error(`unexpected ${r.method} ${url.pathname}`);
    };
    const o = { accessToken: 'pat', apiUrl: 'https://api.hubapi.com', timeoutMs: 1000 };
    const meeting = {
      bookingId: 'b-1',
      title: 'Product demo: Analytical with Berta',
      start: '2026-12-07T09:00:00.000Z',
      end: '2026-12-07T09:30:00.000Z',
      status: 'scheduled' as const,
      externalUrl: 'https://api.example.com/api/v1/events/b-1',
      description: 'Booked through Leadgate.',
    };
    expect(await syncHubSpotMeeting(fetcher, o, contact, meeting)).toMatchObject({ ok: false, retryable: true });
    // The retry finds the meeting the lost answer created and updates it: one meeting, not two.
    expect(await syncHubSpotMeeting(fetcher, o, contact, meeting)).toMatchObject({ ok: true, reference: '101,meeting:9001' });
    expect(meetings.size).toBe(1);
    await syncHubSpotMeeting(fetcher, o, contact, { ...meeting, start: '2026-12-08T10:00:00.000Z', end: '2026-12-08T10:30:00.000Z', status: 'rescheduled' });
    expect(meetings.get('9001')).toMatchObject({
      hs_meeting_start_time: '2026-12-08T10:00:00.000Z',
      hs_meeting_outcome: 'RESCHEDULED',
      hs_meeting_title: meeting.title,
    });
    expect(seen.filter((s) => s === 'POST /crm/v3/objects/meetings')).toHaveLength(1);
  });

  it('Pipedrive meeting: a "meeting" activity of the person in UTC, found again by its booking, done when cancelled', async () => {
    const activities: Array<Record<string, any>> = [];
    const fetcher = async (r: Request) => {
      const url = new URL(r.url);
      if (url.pathname === '/api/v2/persons/search') return Response.json({ success: true, data: { items: [{ result_score: 1, item: { id: 42 } }] } });
      if (url.pathname === '/v1/leads') return Response.json({ success: true, data: [{ id: 'adf21080-0e10-11eb-879b-05d71fb426ec' }] });
      if (url.pathname === '/v1/persons/42/activities') return Response.json({ success: true, data: activities.length ? activities : null });
      const body = (await r.json()) as Record<string, any>;
      if (r.method === 'POST' && url.pathname === '/v1/activities') {
        activities.push({ id: 7, ...body });
        return Response.json({ success: true, data: { id: 7, ...body } }, { status: 201 });
      }
      if (r.method === 'PUT' && url.pathname === '/v1/activities/7') {
        Object.assign(activities[0]!, body);
        return Response.json({ success: true, data: activities[0] });
      }
      throw new Error(`unexpected ${r.method} ${url.pathname}`);
    };
    const o = { apiToken: 'tok', apiUrl: 'https://api.pipedrive.com', timeoutMs: 1000 };
    const meeting = {
      bookingId: 'b-2',
      title: 'Product demo: Analytical with Nate',
      start: '2026-12-07T14:30:00.000Z',
      end: '2026-12-07T15:00:00.000Z',
      status: 'scheduled' as const,
      externalUrl: 'x',
      description: 'Booked.',
    };
    expect(await syncPipedriveMeeting(fetcher, o, contact, meeting)).toMatchObject({
      ok: true,
      reference: 'person:42,lead:adf21080-0e10-11eb-879b-05d71fb426ec,activity:7',
    });
    expect(activities[0]).toMatchObject({
      type: 'meeting',
      due_date: '2026-12-07',
      due_time: '14:30',
      duration: '00:30',
      person_id: 42,
      lead_id: 'adf21080-0e10-11eb-879b-05d71fb426ec',
      done: 0,
    });
    await syncPipedriveMeeting(fetcher, o, contact, { ...meeting, status: 'cancelled' });
    expect(activities).toHaveLength(1);
    expect(activities[0]).toMatchObject({ done: 1, subject: `Cancelled: ${meeting.title}` });
  });

  it('Twilio Messages: form-encoded To/From/Body with Basic auth', async () => {
    let captured: Request | undefined;
    const result = await sendSms(
      async (r) => {
        captured = r;
        return Response.json({ sid: 'SM1', status: 'queued' }, { status: 201 });
      },
      { accountSid: 'AC1', authToken: 't', from: '+15005550006', apiUrl: 'https://api.twilio.com', timeoutMs: 1000 },
      { to: '+14155550123', body: 'Your demo starts in 1 hour' },
    );
    expect(result).toMatchObject({ ok: true, reference: 'SM1' });
    expect(captured!.url).toBe('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json');
    expect(captured!.headers.get('authorization')).toBe(`Basic ${btoa('AC1:t')}`);
    expect(Object.fromEntries(new URLSearchParams(await captured!.text()))).toEqual({
      To: '+14155550123',
      From: '+15005550006',
      Body: 'Your demo starts in 1 hour',
    });
  });

  it('outbound Standard Webhooks: a signature the receiver can verify', async () => {
    const secret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
    let captured: Request | undefined;
    await sendStandardWebhook(
      async (r) => {
        captured = r;
        return new Response(null, { status: 204 });
      },
      { url: 'https://product.example.com/hook', secret, timeoutMs: 1000 },
      'msg_1',
      { type: 'lead.trial_unlocked', data: { lead_id: 'l1' } },
      1_700_000_000_000,
    );
    const body = await captured!.text();
    const key = await crypto.subtle.importKey(
      'raw',
      Uint8Array.from(atob(secret.slice(6)), (c) => c.charCodeAt(0)),
      { name: 'HMAC', hash: 'SHA-256' },
      false,
      ['verify'],
    );
    const sig = Uint8Array.from(atob(captured!.headers.get('webhook-signature')!.slice(3)), (c) => c.charCodeAt(0));
    expect(captured!.headers.get('webhook-id')).toBe('msg_1');
    expect(captured!.headers.get('webhook-timestamp')).toBe('1700000000');
    expect(await crypto.subtle.verify('HMAC', key, sig, new TextEncoder().encode(`msg_1.1700000000.${body}`))).toBe(true);
    expect(JSON.parse(body)).toEqual({ type: 'lead.trial_unlocked', timestamp: '2023-11-14T22:13:20.000Z', data: { lead_id: 'l1' } });
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(parseRetryAfter('30')).toBe(30);
    expect(parseRetryAfter(new Date(Date.now() + 60_000).toUTCString())).toBeGreaterThanOrEqual(59);
    expect(parseRetryAfter('soon')).toBeUndefined();
  });
});

describe('consent gates the fan-out', () => {
  const { db, close } = database();
  afterAll(() => close());

  async function deliveriesFor(email: string, consent: Record<string, boolean>) {
    await postJson('/api/v1/leads', { email, name: 'Ada', source: 'pricing', plan: 'growth', consent, turnstile_token: 'XXXX.DUMMY.TOKEN.XXXX' });
    const lead = await eventually(async () => (await db.select().from(leads).where(eq(leads.email, email)))[0]);
    return eventually(async () => {
      const rows = await db.select().from(deliveries).where(eq(deliveries.leadId, lead.id));
      return rows.length > 0 && rows.every((r) => r.status === 'delivered') ? rows : null;
    });
  }

  it('without marketing consent: the sales notification and the CRM upsert, no confirmation', async () => {
    const rows = await deliveriesFor(uniqueEmail(), { marketing: false });
    expect(rows.map((r) => `${r.destination}:${r.key}`).sort()).toEqual(['crm:hubspot', 'email:sales_notification']);
  });

  it('with marketing consent: the confirmation too', async () => {
    const rows = await deliveriesFor(uniqueEmail(), { marketing: true });
    expect(rows.map((r) => `${r.destination}:${r.key}`).sort()).toEqual(['crm:hubspot', 'email:lead_confirmation', 'email:sales_notification']);
  });
});
