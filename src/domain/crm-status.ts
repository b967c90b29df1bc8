import { z } from 'zod';

/**
 * Each CRM names its stages its own way. This table says which CRM value means what for Leadgate's
 * pipeline (src/domain/pipeline.ts `crmAction`): customer (or won, paid) — the sale is paid; lost; a
 * lead stage (contacted, qualified) or a sale stage (kyc, agreement) to move to. A value not listed
 * means "nothing for Leadgate to do". Matching ignores case ("Won" = "won"). Override per provider with
 * the CRM_STATUS_MAP setting.
 */
type StatusTable = Record<string, Record<string, string>>;
/** Configuration's shape of a status table: provider → { CRM value → Leadgate status }. */
export const StatusTableSchema = z.record(
  z.string(),
  z.record(
    z.string(),
    z.enum(
      ['customer', 'won', 'paid', 'lost', 'contacted', 'qualified', 'kyc', 'agreement'],
      'must be customer, won, paid, lost, contacted, qualified, kyc or agreement',
    ),
  ),
);
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
