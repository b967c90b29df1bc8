/**
 * Each CRM names its stages its own way; Leadgate's lead has one lifecycle status. This table says
 * which CRM value means which Leadgate status. A value not listed means "nothing for Leadgate to do".
 * Matching ignores case ("Won" = "won"). Override per provider with the CRM_STATUS_MAP setting.
 */
export type CrmStatusMap = Record<string, Record<string, string>>;

export const DEFAULT_CRM_STATUS_MAP: CrmStatusMap = {
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
export function effectiveStatusMap(override: CrmStatusMap = {}): CrmStatusMap {
  const merged: CrmStatusMap = { ...DEFAULT_CRM_STATUS_MAP };
  for (const [provider, table] of Object.entries(override)) {
    merged[provider] = Object.fromEntries(Object.entries(table).map(([k, v]) => [k.toLowerCase(), v]));
  }
  return merged;
}

/** The Leadgate status a CRM value means, or null when it means nothing to Leadgate. */
export function leadStatusFor(map: CrmStatusMap, provider: string, crmValue: string): string | null {
  return map[provider]?.[crmValue.trim().toLowerCase()] ?? null;
}
