import type { CrmContact } from '../../fanout/types';
import { callProvider, type Fetcher, type SendResult } from '../provider-call';
import { lookup } from '../../domain/lookup';

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

export function hubSpotProperties(c: CrmContact): Record<string, string> {
  const props: Record<string, string> = { email: c.email };
  if (c.firstName) props.firstname = c.firstName;
  if (c.lastName) props.lastname = c.lastName;
  if (c.company) props.company = c.company;
  if (c.companyDomain) props.website = c.companyDomain;
  if (c.phone) props.phone = c.phone;
  Object.assign(props, lookup(STATUS_MAP, c.status ?? 'new') ?? {});
  return props;
}

/**
 * CRM v3 batch upsert keyed by email (`idProperty: "email"`): creates or updates, so a retried call
 * cannot create a duplicate contact. One call carries up to 100 contacts.
 */
export function hubSpotUpsertRequest(o: HubSpotOptions, contacts: CrmContact[]): Request {
  return new Request(`${o.apiUrl}/crm/v3/objects/contacts/batch/upsert`, {
    method: 'POST',
    headers: { authorization: `Bearer ${o.accessToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      inputs: contacts.map((c) => ({ idProperty: 'email', id: c.email, properties: hubSpotProperties(c) })),
    }),
  });
}

export function upsertHubSpotContacts(fetcher: Fetcher, o: HubSpotOptions, contacts: CrmContact[]): Promise<SendResult> {
  return callProvider(fetcher, hubSpotUpsertRequest(o, contacts), {
    timeoutMs: o.timeoutMs,
    reference: (_res, body) => (body as { results?: Array<{ id: string }> } | undefined)?.results?.map((r) => r.id).join(','),
  });
}
