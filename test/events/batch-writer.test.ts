import { createExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { neonConfig, Pool } from '@neondatabase/serverless';
import { eq, inArray } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/neon-serverless';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import * as schema from '../../src/db/schema';
import { leads } from '../../src/db/schema';
import { inWorkspace } from '../../src/db/tenant';
import { toContactCapture } from '../../src/domain/contact';
import { newId } from '../../src/domain/ids';
import { DEFAULT_WORKSPACE_ID } from '../../src/domain/workspace';
import type { LeadSubmittedEvent } from '../../src/messages/events';
import { consumerContext } from '../../src/queues/consumer-context';
import { writeEvents } from '../../src/services/events/write-events';
import { DEFAULT_WORKSPACE, database, uniqueEmail, withTestDatabase } from '../support/api';
import { writeBatch } from '../support/events';

const config = loadConfig(env);

function submitted(
  email: string,
  at: number,
  fields: { name?: string; phone?: string; consent?: { marketing?: boolean; sms?: boolean }; source?: string } = {},
): LeadSubmittedEvent {
  const occurred = new Date(at).toISOString();
  return {
    id: newId(),
    type: 'lead.submitted',
    occurred_at: occurred,
    request_id: 'batch-test',
    workspace_id: DEFAULT_WORKSPACE_ID,
    source: fields.source ?? 'pricing',
    contact: toContactCapture({ email, name: fields.name, phone: fields.phone, consent: fields.consent }, fields.source ?? 'pricing', occurred),
    details: { plan: 'growth' },
  };
}

/** Runs writeEvents on a connection that counts the statements it is sent. */
async function countedWrite(events: LeadSubmittedEvent[]): Promise<number> {
  database().close(); // makes sure the driver is pointed at the local bridge
  const pool = new Pool({ connectionString: config.core.databaseUrl, max: 1 });
  pool.on('error', () => undefined);
  let statements = 0;
  const db = drizzle({ client: pool, schema, logger: { logQuery: () => void statements++ } });
  try {
    await inWorkspace(db, DEFAULT_WORKSPACE.id, (tx) =>
      writeEvents({ ctx: consumerContext(env, config, createExecutionContext(), DEFAULT_WORKSPACE, tx, 'count'), input: events }),
    );
  } finally {
    await pool.end();
  }
  expect(neonConfig.pipelineConnect).toBe(false);
  return statements;
}

describe('the set-based event writer', () => {
  it('writes a batch in the same number of statements whether it holds 3 events or 60', async () => {
    const now = Date.now();
    const small = Array.from({ length: 3 }, (_, i) => submitted(uniqueEmail('small'), now - i * 1000));
    const people = Array.from({ length: 20 }, () => uniqueEmail('large'));
    // 60 events for 20 people: several submissions per person in one batch, merged into one upsert.
    const large = Array.from({ length: 60 }, (_, i) => submitted(people[i % 20]!, now - i * 1000, { name: `Person ${i}` }));
    const [a, b] = [await countedWrite(small), await countedWrite(large)];
    console.log(`statements: ${a} for 3 events, ${b} for 60`);
    expect(b).toBe(a);
    // begin, workspace, lock, read, upsert leads, audit, history, interaction count, deliveries, ledger, commit.
    expect(a).toBeLessThanOrEqual(11);
  });

  it('makes the same leads from one batch as from the same events one by one, in another order', async () => {
    const t = Date.now() - 3_600_000;
    const script = (email: string) => [
      submitted(email, t + 3000, { name: 'Ada Newest', source: 'contact_form' }),
      submitted(email, t, { name: 'Ada First', consent: { sms: true, marketing: true }, source: 'roi_calculator' }),
      submitted(email, t + 2000, { phone: '+14155550123', consent: { sms: false } }),
      submitted(email, t + 1000, { name: 'Ada Middle', consent: { marketing: false } }),
    ];
    const [together, apart] = [uniqueEmail('together'), uniqueEmail('apart')];
    await writeBatch(script(together));
    const events = script(apart);
    for (const e of [events[0]!, events[2]!, events[1]!, events[3]!]) await writeBatch([e]);
    const rows = await withTestDatabase((db) =>
      db
        .select()
        .from(leads)
        .where(inArray(leads.emailNormalized, [together, apart])),
    );
    const view = (email: string) => {
      const r = rows.find((l) => l.emailNormalized === email)!;
      return {
        name: r.name,
        phone: r.phone,
        consent: r.consent,
        firstSource: r.firstSource,
        lastTouch: r.lastTouch.source,
        createdAt: r.createdAt.getTime(),
        lastSeenAt: r.lastSeenAt.getTime(),
      };
    };
    expect(view(apart)).toEqual(view(together));
    expect(view(together)).toMatchObject({
      name: 'Ada Newest',
      phone: '+14155550123',
      consent: { sms: false, marketing: false },
      firstSource: 'roi_calculator',
      lastTouch: 'contact_form',
    });
  });

  it('a consent withdrawn later wins even when the withdrawal arrives before an older grant', async () => {
    const email = uniqueEmail('consent');
    const t = Date.now() - 7_200_000;
    await writeBatch([submitted(email, t + 5000, { name: 'Ada' })]);
    await writeBatch([submitted(email, t + 2000, { consent: { sms: false } })]);
    await writeBatch([submitted(email, t, { consent: { sms: true } })]);
    const [row] = await withTestDatabase((db) => db.select().from(leads).where(eq(leads.emailNormalized, email)));
    expect(row!.consent).toEqual({ sms: false });
  });
});
