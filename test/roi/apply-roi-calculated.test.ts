import { env } from 'cloudflare:workers';
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config';
import { calculatorSubmissions, leadEvents } from '../../src/db/schema';
import { newId } from '../../src/domain/ids';
import type { RoiCalculatedEvent } from '../../src/queues/tool-events';
import { applyRoiCalculated } from '../../src/services/apply-roi-calculated';
import { toContactCapture } from '../../src/services/capture-lead';
import { AlreadyApplied } from '../../src/services/record-lead-event';
import { database, uniqueEmail } from '../support/api';

const config = loadConfig(env);

function event(withEmail: boolean): RoiCalculatedEvent {
  const at = new Date().toISOString();
  return {
    id: newId(),
    type: 'roi.calculated',
    occurred_at: at,
    request_id: 'test',
    input: { industry: 'saas', customer_count: 1000, avg_revenue: 100, churn_rate: 5, currency: 'USD' },
    result: { potential_savings: 2500, retention_uplift_percent: 0.75, break_even_point_months: 8.7 },
    ...(withEmail ? { contact: toContactCapture({ email: uniqueEmail('apply') }, 'roi_calculator', at) } : {}),
  };
}

describe('applyRoiCalculated — a redelivered event changes nothing twice', () => {
  it.each([['anonymous', false], ['with an email', true]])('%s', async (_, withEmail) => {
    const e = event(withEmail as boolean);
    const { db, close } = database();
    try {
      const first = await db.transaction((tx) => applyRoiCalculated(tx, e, { env, config }));
      expect(first.map((r) => r.key)).toEqual(withEmail ? ['sales_notification'] : []);
      await expect(db.transaction((tx) => applyRoiCalculated(tx, e, { env, config }))).rejects.toBeInstanceOf(AlreadyApplied);
      expect(await db.select().from(calculatorSubmissions).where(eq(calculatorSubmissions.id, e.id))).toHaveLength(1);
      expect(await db.select().from(leadEvents).where(eq(leadEvents.id, e.id))).toHaveLength(withEmail ? 1 : 0);
    } finally {
      await close();
    }
  });
});
