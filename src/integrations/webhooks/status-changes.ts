import type { WebhookProvider } from './verify';
import { isRecord } from './verify/body';

/**
 * What a verified delivery says happened: this person (by email, or by the CRM's own record id)
 * now has this status in the CRM's vocabulary. Pure: payload in, changes out.
 *
 * Payloads understood (the providers' documented shapes):
 * - hubspot, webhooks API: an array of events; `contact.propertyChange` on `lifecyclestage` or
 *   `hs_lead_status` gives `objectId` (the contact id) and `propertyValue`. No email: the lead is
 *   found by the contact id Leadgate's CRM sync recorded.
 * - hubspot, workflow "Send a webhook": one object with the contact's properties — either flat
 *   (`{"email": …, "lifecyclestage": …}`, a customised body) or under `properties` (values as strings
 *   or `{ "value": … }`), with `objectId`/`vid`/`hs_object_id` as the contact id.
 * - pipedrive (webhooks v2, and v1): a deal event whose `status` changed (`data`/`current` +
 *   `previous`); the person is `person_id`.
 * - monday: a board webhook `{"event": {…}}` for a status column; the status is
 *   `event.value.label.text`, the item `event.pulseId`; an item named with an email is that lead.
 * - standard: `{"type": …, "data": {"email" | "lead_id", "status"}}`.
 */
export interface StatusChange {
  email?: string;
  crmId?: string;
  leadId?: string;
  status: string;
}

export type Extraction = { changes: StatusChange[]; note?: string } | { error: string };

const HUBSPOT_STATUS_PROPERTIES = ['lifecyclestage', 'hs_lead_status'];
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

const text = (v: unknown): string | undefined => (typeof v === 'string' && v.trim() ? v.trim() : typeof v === 'number' ? String(v) : undefined);

export function extractStatusChanges(provider: WebhookProvider, payload: unknown): Extraction {
  switch (provider) {
    case 'hubspot':
      return Array.isArray(payload) ? hubspotEvents(payload) : hubspotWorkflow(payload);
    case 'pipedrive':
      return pipedrive(payload);
    case 'monday':
      return monday(payload);
    case 'standard':
      return standard(payload);
  }
}

function hubspotEvents(events: unknown[]): Extraction {
  const changes: StatusChange[] = [];
  for (const e of events) {
    if (!isRecord(e)) return { error: 'hubspot: an event is not an object' };
    const type = String(e.subscriptionType ?? '');
    const isContact = type === 'contact.propertyChange' || (type === 'object.propertyChange' && e.objectTypeId === '0-1');
    const property = String(e.propertyName ?? '');
    const status = text(e.propertyValue);
    const crmId = text(e.objectId);
    if (isContact && HUBSPOT_STATUS_PROPERTIES.includes(property) && status && crmId) changes.push({ crmId, status });
  }
  return changes.length ? { changes } : { changes, note: 'no contact status change in the batch' };
}

function hubspotWorkflow(payload: unknown): Extraction {
  if (!isRecord(payload)) return { error: 'hubspot: body is neither an event batch nor a record' };
  const props = isRecord(payload.properties) ? payload.properties : payload;
  const prop = (name: string) => {
    const v = props[name];
    return isRecord(v) ? text(v.value) : text(v);
  };
  const status = HUBSPOT_STATUS_PROPERTIES.map(prop).find(Boolean);
  if (!status) return { changes: [], note: 'no lifecyclestage or hs_lead_status in the record' };
  const email = prop('email');
  const crmId = text(payload.objectId) ?? text(payload.vid) ?? prop('hs_object_id');
  if (!email && !crmId) return { error: 'hubspot: the record has neither an email nor a contact id' };
  return { changes: [{ email, crmId, status }] };
}

function pipedrive(payload: unknown): Extraction {
  if (!isRecord(payload) || !isRecord(payload.meta)) return { error: 'pipedrive: no meta block' };
  const meta = payload.meta;
  const entity = String(meta.entity ?? meta.object ?? '');
  const current = isRecord(payload.data) ? payload.data : isRecord(payload.current) ? payload.current : undefined;
  if (entity !== 'deal' || !current) return { changes: [], note: `pipedrive: ${entity || 'unknown'} event, not a deal` };
  const status = text(current.status);
  const previous = isRecord(payload.previous) ? payload.previous : undefined;
  // v2 sends only the changed fields in `previous`; v1 sends the whole previous object.
  if (!status || (previous && (!('status' in previous) || previous.status === current.status))) {
    return { changes: [], note: 'pipedrive: deal status did not change' };
  }
  const person = current.person_id;
  const crmId = isRecord(person) ? text(person.value) : text(person);
  if (!crmId) return { error: 'pipedrive: the deal has no person' };
  return { changes: [{ crmId, status }] };
}

function monday(payload: unknown): Extraction {
  if (!isRecord(payload) || !isRecord(payload.event)) return { error: 'monday: no event block' };
  const event = payload.event;
  const value = isRecord(event.value) ? event.value : undefined;
  const status = value && isRecord(value.label) ? text(value.label.text) : undefined;
  if (!status) return { changes: [], note: 'monday: not a status column change' };
  const name = text(event.pulseName);
  const email = name && EMAIL.test(name) ? name : undefined;
  const crmId = text(event.pulseId);
  if (!email && !crmId) return { error: 'monday: the event names no item' };
  return { changes: [{ email, crmId, status }] };
}

function standard(payload: unknown): Extraction {
  if (!isRecord(payload) || !isRecord(payload.data)) return { error: 'standard: no data object' };
  const data = payload.data;
  const status = text(data.status);
  if (!status) return { changes: [], note: 'standard: no status in data' };
  const email = text(data.email);
  const leadId = text(data.lead_id);
  if (!email && !leadId) return { error: 'standard: data has neither email nor lead_id' };
  return { changes: [{ email, leadId, status }] };
}
