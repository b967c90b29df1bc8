import type { Queryable } from '../../src/db/client';
import { leads } from '../../src/db/schema';
import { normalizeEmail } from '../../src/domain/email';
import { newId } from '../../src/domain/ids';
import { DEFAULT_WORKSPACE_ID } from '../../src/domain/workspace';

/** A lead written straight to Postgres (as the events consumer would leave it), so each test owns its data. */
export async function insertLead(
  db: Queryable,
  fields: {
    email: string;
    name?: string;
    company?: string;
    companyDomain?: string | null;
    phone?: string;
    source?: string;
    status?: string;
    workspaceId?: string;
  },
): Promise<string> {
  const at = new Date();
  const touch = { source: fields.source ?? 'pricing', at: at.toISOString() };
  const [row] = await db
    .insert(leads)
    .values({
      id: newId(),
      workspaceId: fields.workspaceId ?? DEFAULT_WORKSPACE_ID,
      email: fields.email,
      emailNormalized: normalizeEmail(fields.email),
      name: fields.name ?? null,
      company: fields.company ?? null,
      companyDomain: fields.companyDomain ?? null,
      phone: fields.phone ?? null,
      status: fields.status ?? 'new',
      firstSource: touch.source,
      firstTouch: touch,
      lastTouch: touch,
      consent: {},
      lastSeenAt: at,
      createdAt: at,
    })
    .returning({ id: leads.id });
  return row!.id;
}
