import type { CrmContact } from '../../fanout/types';
import { callProvider, type Fetcher, type SendResult } from '../provider-call';

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

  const leads = await callProvider(fetcher, new Request(`${o.apiUrl}/v1/leads?person_id=${personId}&limit=1`, { headers: headers(o) }), { timeoutMs: o.timeoutMs });
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
