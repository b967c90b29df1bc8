import { callProvider, type Fetcher, type SendResult } from '../provider-call';
import type { CrmContact, CrmDeal, CrmMeeting } from './types';

export interface PipedriveOptions {
  apiToken: string;
  apiUrl: string;
  timeoutMs: number;
}

const headers = (o: PipedriveOptions) => ({ 'x-api-token': o.apiToken, 'content-type': 'application/json', accept: 'application/json' });

/**
 * Pipedrive: find the person by email (API v2 search), create them if missing, then make sure they have
 * an open lead (API v1 leads). Each step is looked up before it is created, so a retry after a partial
 * failure finishes the job instead of duplicating it.
 */
export async function syncPipedrivePerson(fetcher: Fetcher, o: PipedriveOptions, c: CrmContact): Promise<SendResult> {
  const search = await callProvider(
    fetcher,
    new Request(`${o.apiUrl}/api/v2/persons/search?term=${encodeURIComponent(c.email)}&fields=email&exact_match=true&limit=1`, { headers: headers(o) }),
    { timeoutMs: o.timeoutMs },
  );
  if (!search.ok) return search;
  let personId = (search.body as { data?: { items?: Array<{ item: { id: number } }> } })?.data?.items?.[0]?.item.id;

  if (!personId) {
    const name = [c.firstName, c.lastName].filter(Boolean).join(' ') || c.email;
    const created = await callProvider(
      fetcher,
      new Request(`${o.apiUrl}/api/v2/persons`, {
        method: 'POST',
        headers: headers(o),
        body: JSON.stringify({
          name,
          emails: [{ value: c.email, primary: true, label: 'work' }],
          ...(c.phone ? { phones: [{ value: c.phone, primary: true, label: 'work' }] } : {}),
        }),
      }),
      { timeoutMs: o.timeoutMs },
    );
    if (!created.ok) return created;
    personId = (created.body as { data?: { id: number } })?.data?.id;
    if (!personId) return { ok: false, retryable: true, error: 'Pipedrive did not return the new person id' };
  }

  const leads = await callProvider(fetcher, new Request(`${o.apiUrl}/v1/leads?person_id=${personId}&limit=1`, { headers: headers(o) }), {
    timeoutMs: o.timeoutMs,
  });
  if (!leads.ok) return leads;
  const existing = (leads.body as { data?: Array<{ id: string }> | null })?.data?.[0]?.id;
  if (existing) return { ok: true, statusCode: 200, reference: `person:${personId},lead:${existing}` };

  const title = `${c.company ?? c.companyDomain ?? c.email} — ${c.source ?? 'website'}`;
  const lead = await callProvider(
    fetcher,
    new Request(`${o.apiUrl}/v1/leads`, { method: 'POST', headers: headers(o), body: JSON.stringify({ title, person_id: personId }) }),
    { timeoutMs: o.timeoutMs },
  );
  if (!lead.ok) return lead;
  return { ok: true, statusCode: lead.statusCode, reference: `person:${personId},lead:${(lead.body as { data?: { id: string } })?.data?.id}` };
}

/** Written into the activity's note: how the activity of a booking is found again. */
const bookingMarker = (bookingId: string) => `leadgate-booking:${bookingId}`;

const pad = (n: number) => String(n).padStart(2, '0');

/**
 * A demo as a Pipedrive "meeting" activity of the person (due date and time in UTC, as Pipedrive takes
 * them): the person and their lead are synced first, then the activity carrying the booking's marker is
 * updated, or created. A cancelled demo's activity is marked done and says so.
 */
export async function syncPipedriveMeeting(fetcher: Fetcher, o: PipedriveOptions, contact: CrmContact, m: CrmMeeting): Promise<SendResult> {
  const person = await syncPipedrivePerson(fetcher, o, contact);
  if (!person.ok) return person;
  const refs = Object.fromEntries((person.reference ?? '').split(',').map((part) => part.split(':') as [string, string]));
  const personId = refs.person;
  if (!personId) return { ok: false, retryable: true, error: 'Pipedrive did not return the person id' };

  const listed = await callProvider(
    fetcher,
    new Request(`${o.apiUrl}/v1/persons/${encodeURIComponent(personId)}/activities?limit=100`, { headers: headers(o) }),
    { timeoutMs: o.timeoutMs },
  );
  if (!listed.ok) return listed;
  const activities = (listed.body as { data?: Array<{ id: number; note?: string | null }> | null })?.data ?? [];
  const existing = activities.find((a) => a.note?.includes(bookingMarker(m.bookingId)))?.id;

  const start = new Date(m.start);
  const minutes = Math.max(1, Math.round((Date.parse(m.end) - start.getTime()) / 60_000));
  const fields = {
    subject: m.status === 'cancelled' ? `Cancelled: ${m.title}` : m.title,
    type: 'meeting',
    due_date: start.toISOString().slice(0, 10),
    due_time: `${pad(start.getUTCHours())}:${pad(start.getUTCMinutes())}`,
    duration: `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`,
    done: m.status === 'cancelled' ? 1 : 0,
    note: `${m.description}\n${bookingMarker(m.bookingId)}`,
  };
  const written = existing
    ? await callProvider(fetcher, new Request(`${o.apiUrl}/v1/activities/${existing}`, { method: 'PUT', headers: headers(o), body: JSON.stringify(fields) }), {
        timeoutMs: o.timeoutMs,
      })
    : await callProvider(
        fetcher,
        new Request(`${o.apiUrl}/v1/activities`, {
          method: 'POST',
          headers: headers(o),
          body: JSON.stringify({ ...fields, person_id: Number(personId), ...(refs.lead ? { lead_id: refs.lead } : {}) }),
        }),
        { timeoutMs: o.timeoutMs },
      );
  if (!written.ok) return written;
  const activityId = existing ?? (written.body as { data?: { id?: number } } | undefined)?.data?.id;
  return { ok: true, statusCode: written.statusCode, reference: `${person.reference},activity:${activityId}` };
}

/** How a sale's deal is found again: its title ends with this, so a retry never opens a second deal. */
const saleMarker = (saleId: string) => `[leadgate ${saleId.slice(0, 8)}]`;

/**
 * A sale as a Pipedrive deal of the person: the person (and lead) synced first, then the person's deal
 * carrying the sale's marker is updated (status open, won or lost), or created.
 */
export async function syncPipedriveDeal(fetcher: Fetcher, o: PipedriveOptions, contact: CrmContact, deal: CrmDeal): Promise<SendResult> {
  const person = await syncPipedrivePerson(fetcher, o, contact);
  if (!person.ok) return person;
  const personId = Object.fromEntries((person.reference ?? '').split(',').map((part) => part.split(':') as [string, string])).person;
  if (!personId) return { ok: false, retryable: true, error: 'Pipedrive did not return the person id' };
  const listed = await callProvider(
    fetcher,
    new Request(`${o.apiUrl}/v1/persons/${encodeURIComponent(personId)}/deals?status=all_not_deleted&limit=100`, { headers: headers(o) }),
    { timeoutMs: o.timeoutMs },
  );
  if (!listed.ok) return listed;
  const marker = saleMarker(deal.saleId);
  const existing = ((listed.body as { data?: Array<{ id: number; title?: string }> | null })?.data ?? []).find((d) => d.title?.endsWith(marker))?.id;
  const fields = { title: `${deal.title} ${marker}`, status: deal.status };
  const written = existing
    ? await callProvider(fetcher, new Request(`${o.apiUrl}/v1/deals/${existing}`, { method: 'PUT', headers: headers(o), body: JSON.stringify(fields) }), {
        timeoutMs: o.timeoutMs,
      })
    : await callProvider(
        fetcher,
        new Request(`${o.apiUrl}/v1/deals`, { method: 'POST', headers: headers(o), body: JSON.stringify({ ...fields, person_id: Number(personId) }) }),
        { timeoutMs: o.timeoutMs },
      );
  if (!written.ok) return written;
  const dealId = existing ?? (written.body as { data?: { id?: number } } | undefined)?.data?.id;
  return { ok: true, statusCode: written.statusCode, reference: `person:${personId},deal:${dealId}` };
}
