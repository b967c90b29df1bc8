import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { analyses, deliveries, leads } from '../../src/db/schema';
import { database, eventually, postJson, uniqueEmail } from '../support/api';

const submit = (email: string, plan: string) => postJson('/api/v1/leads', { source: 'pricing', email, plan, turnstile_token: 'XXXX.DUMMY.TOKEN.XXXX' });

describe('background analysis every N interactions (ANALYSIS_EVERY_N_INTERACTIONS = 3)', () => {
  it('analyses a lead by itself after its third interaction, once, through the outbox', async () => {
    const email = uniqueEmail('background');
    const { db, close } = database();
    try {
      for (const plan of ['starter', 'growth']) expect((await submit(email, plan)).status).toBe(202);
      const lead = await eventually(async () => (await db.select().from(leads).where(eq(leads.email, email)))[0]);
      // Two interactions: nothing yet.
      await new Promise((r) => setTimeout(r, 1500));
      expect(await db.select().from(analyses).where(eq(analyses.leadId, lead.id))).toEqual([]);

      expect((await submit(email, 'scale')).status).toBe(202);
      const [analysis] = await eventually(async () => {
        const rows = await db.select().from(analyses).where(eq(analyses.leadId, lead.id));
        return rows.length > 0 ? rows : null;
      });
      expect(analysis).toMatchObject({ trigger: 'background', model: 'leadgate-rules-v1', input: { message_count: 3, source: 'pricing', stage: 'new' } });
      const asked = await db.select().from(deliveries).where(eq(deliveries.leadId, lead.id));
      expect(asked.filter((d) => d.destination === 'analysis')).toEqual([
        expect.objectContaining({ key: 'background', status: 'delivered', providerReference: analysis!.id }),
      ]);
      // Advisory only: the stage is untouched.
      expect((await db.select().from(leads).where(eq(leads.id, lead.id)))[0]!.stage).toBe('new');
    } finally {
      await close();
    }
  });
});
