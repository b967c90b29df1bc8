import { lookup } from '../../domain/lookup';
import { callProvider, type Fetcher, type SendResult } from '../provider-call';
import type { CrmContact, CrmMeeting } from './types';

export interface HubSpotOptions {
  accessToken: string;
  apiUrl: string;
  timeoutMs: number;
}

/** Leadgate status → HubSpot's default `hs_lead_status` and `lifecyclestage` values. */
const STATUS_MAP: Record<string, { hs_lead_status?: string; lifecyclestage?: string }> = {
  new: { hs_lead_status: 'NEW', lifecyclestage: 'lead' },
  contacted: { hs_lead_status: 'ATTEMPTED_TO_CONTACT', lifecyclestage: 'lead' },
  qualified: { hs_lead_status: 'OPEN_DEAL', lifecyclestage: 'salesqualifiedlead' },
  transferred: { hs_lead_status: 'IN_PROGRESS', lifecyclestage: 'opportunity' },
  customer: { lifecyclestage: 'customer' },
  lost: { hs_lead_status: 'UNQUALIFIED' },
};

/** HubSpot-defined association type of meeting → contact. */
const MEETING_TO_CONTACT = 200;
const MEETING_OUTCOME: Record<CrmMeeting['status'], string> = { scheduled: 'SCHEDULED', rescheduled: 'RESCHEDULED', cancelled: 'CANCELED' };

const headers = (o: HubSpotOptions) => ({ authorization: `Bearer ${o.accessToken}`, 'content-type': 'application/json' });

export function hubSpotProperties(c: CrmContact): Record<string, string> {
  const props: Record<string, string> = { email: c.email };
  if (c.firstName) props.firstname = c.firstName;
  if (c.lastName) props.lastname = c.lastName;
  if (c.company) props.company = c.company;
  if (c.companyDomain) props.website = c.companyDomain;
  if (c.phone) props.phone = c.phone;
  // No status: the contact's lifecycle is left as the CRM has it (HubSpot refuses to move it backwards).
  if (c.status) Object.assign(props, lookup(STATUS_MAP, c.status) ?? {});
  return props;
}

/**
 * CRM v3 batch upsert keyed by email (`idProperty: "email"`): creates or updates, so a retried call
 * cannot create a duplicate contact. One call carries up to 100 contacts.
 */
export function hubSpotUpsertRequest(o: HubSpotOptions, contacts: CrmContact[]): Request {
  return new Request(`${o.apiUrl}/crm/v3/objects/contacts/batch/upsert`, {
    method: 'POST',
    headers: headers(o),
    body: JSON.stringify({ inputs: contacts.map((c) => ({ idProperty: 'email', id: c.email, properties: hubSpotProperties(c) })) }),
  });
}

export function upsertHubSpotContacts(fetcher: Fetcher, o: HubSpotOptions, contacts: CrmContact[]): Promise<SendResult> {
  return callProvider(fetcher, hubSpotUpsertRequest(o, contacts), {
    timeoutMs: o.timeoutMs,
    reference: (_res, body) => (body as { results?: Array<{ id: string }> } | undefined)?.results?.map((r) => r.id).join(','),
  });
}

function meetingProperties(m: CrmMeeting): Record<string, string> {
  return {
    hs_timestamp: m.start,
    hs_meeting_title: m.title,
    hs_meeting_body: m.description,
    hs_meeting_start_time: m.start,
    hs_meeting_end_time: m.end,
    hs_meeting_outcome: MEETING_OUTCOME[m.status],
    hs_meeting_external_url: m.externalUrl,
  };
}

/**
 * A demo as a HubSpot meeting on the contact's record: the contact is upserted, the meeting is looked
 * up by its external URL (which names the booking) and updated, or created and associated with the
 * contact. Looking up first makes a retry after a lost answer update the same meeting, never add one.
 */
export async function syncHubSpotMeeting(fetcher: Fetcher, o: HubSpotOptions, contact: CrmContact, m: CrmMeeting): Promise<SendResult> {
  const upserted = await upsertHubSpotContacts(fetcher, o, [contact]);
  if (!upserted.ok) return upserted;
  const contactId = upserted.reference?.split(',')[0];
  if (!contactId) return { ok: false, retryable: true, error: 'HubSpot did not return the contact id' };

  const search = await callProvider(
    fetcher,
    new Request(`${o.apiUrl}/crm/v3/objects/meetings/search`, {
      method: 'POST',
      headers: headers(o),
      body: JSON.stringify({
        filterGroups: [{ filters: [{ propertyName: 'hs_meeting_external_url', operator: 'EQ', value: m.externalUrl }] }],
        properties: ['hs_meeting_title'],
        limit: 1,
      }),
    }),
    { timeoutMs: o.timeoutMs },
  );
  if (!search.ok) return search;
  const existing = (search.body as { results?: Array<{ id: string }> } | undefined)?.results?.[0]?.id;
  const properties = meetingProperties(m);
  const written = existing
    ? await callProvider(
        fetcher,
        new Request(`${o.apiUrl}/crm/v3/objects/meetings/${encodeURIComponent(existing)}`, {
          method: 'PATCH',
          headers: headers(o),
          body: JSON.stringify({ properties }),
        }),
        { timeoutMs: o.timeoutMs },
      )
    : await callProvider(
        fetcher,
        new Request(`${o.apiUrl}/crm/v3/objects/meetings`, {
          method: 'POST',
          headers: headers(o),
          body: JSON.stringify({
            properties,
            associations: [{ to: { id: contactId }, types: [{ associationCategory: 'HUBSPOT_DEFINED', associationTypeId: MEETING_TO_CONTACT }] }],
          }),
        }),
        { timeoutMs: o.timeoutMs },
      );
  if (!written.ok) return written;
  const meetingId = existing ?? (written.body as { id?: string } | undefined)?.id;
  return { ok: true, statusCode: written.statusCode, reference: `${contactId},meeting:${meetingId}` };
}
