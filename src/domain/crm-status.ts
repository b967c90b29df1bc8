import { z } from 'zod';

/**
 * Each CRM names its stages its own way; Leadgate's lead has one lifecycle status. This table says
 * which CRM value means which Leadgate status. A value not listed means "nothing for Leadgate to do".
 * Matching ignores case ("Won" = "won"). Override per provider with the CRM_STATUS_MAP setting.
 */
type StatusTable = Record<string, Record<string, string>>;
/** Configuration's shape of a status table: provider → { CRM value → Leadgate status }. */
export const StatusTableSchema = z.record(z.string(), z.record(z.string(), z.string().regex(/^[a-z_]{1,40}$/, 'must be a Leadgate status such as "customer"')));
/** Provider → (lower-cased CRM value → Leadgate status). Maps, so no CRM value can find a prototype member. */
export type CrmStatusMap = Map<string, Map<string, string>>;

const DEFAULT_CRM_STATUS_MAP: StatusTable = {
  // Contact `lifecyclestage` internal values, and `hs_lead_status` values.
  hubspot: {
    salesqualifiedlead: 'qualified',
    opportunity: 'qualified',
    customer: 'customer',
    evangelist: 'customer',
    connected: 'contacted',
    attempted_to_contact: 'contacted',
    in_progress: 'contacted',
    unqualified: 'lost',
  },
  // Deal `status`.
  pipedrive: { won: 'customer', lost: 'lost' },
  // Status column labels (boards name their own; these are monday's CRM template's).
  monday: { won: 'customer', lost: 'lost', qualified: 'qualified', contacted: 'contacted' },
  standard: { customer: 'customer', qualified: 'qualified', contacted: 'contacted', lost: 'lost' },
};

/** Defaults, with each provider given in `override` replacing that provider's table entirely. */
export function effectiveStatusMap(override: StatusTable = {}): CrmStatusMap {
  const merged: CrmStatusMap = new Map();
  for (const [provider, table] of [...Object.entries(DEFAULT_CRM_STATUS_MAP), ...Object.entries(override)]) {
    merged.set(provider, new Map(Object.entries(table).map(([k, v]) => [k.toLowerCase(), v])));
  }
  return merged;
}

/** The Leadgate status a CRM value means, or null when it means nothing to Leadgate. */
export function leadStatusFor(map: CrmStatusMap, provider: string, crmValue: string): string | null {
  return map.get(provider)?.get(crmValue.trim().toLowerCase()) ?? null;
}

/** A lead's lifecycle, in order; `lost` sits beside it (any open stage can be lost). */
export const LEAD_STATUS_ORDER = ['new', 'contacted', 'qualified', 'transferred', 'customer'] as const;
export type LeadStatus = (typeof LEAD_STATUS_ORDER)[number] | 'lost';

export function isLeadStatus(value: string): value is LeadStatus {
  return value === 'lost' || (LEAD_STATUS_ORDER as readonly string[]).includes(value);
}

/**
 * Whether a CRM may move a lead from `from` to `to`: only forward along new → contacted → qualified →
 * transferred → customer, any open stage → lost, and lost → customer (a deal won back). `customer` is
 * final. Staying put is not a move (false). Pure: the rule webhooks (and replays) are held to, so a
 * late or repeated delivery can never take a lead backwards or out of a terminal state.
 */
export function canMoveStatus(from: string, to: string): boolean {
  if (!isLeadStatus(from) || !isLeadStatus(to) || from === to) return false;
  if (from === 'customer') return false;
  if (from === 'lost') return to === 'customer';
  if (to === 'lost') return true;
  return LEAD_STATUS_ORDER.indexOf(to) > LEAD_STATUS_ORDER.indexOf(from);
}

/** Why `canMoveStatus(from, to)` said no, for the webhook's outcome detail. */
export function refusedMoveReason(from: string, to: string): string {
  if (!isLeadStatus(to)) return `"${to.slice(0, 60)}" is not a Leadgate status`;
  if (from === 'customer') return 'customer is final';
  if (from === 'lost') return `lost can only become customer, not ${to}`;
  if (!isLeadStatus(from)) return `lead status "${from.slice(0, 60)}" is unknown`;
  return `${from} → ${to} would go backwards`;
}
