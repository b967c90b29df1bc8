import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { calculatorSubmissions, deliveries, events, leadEvents } from '../../src/db/schema';
import { toContactCapture } from '../../src/domain/contact';
import { newId } from '../../src/domain/ids';
import { DEFAULT_WORKSPACE_ID } from '../../src/domain/workspace';
import type { RoiCalculatedEvent } from '../../src/messages/events';
import { uniqueEmail, withTestDatabase } from '../support/api';
import { writeBatch } from '../support/events';

function event(withEmail: boolean): RoiCalculatedEvent {
  const at = new Date().toISOString();
  return {
    id: newId(),
    type: 'roi.calculated',
    occurred_at: at,
    request_id: 'test',
    workspace_id: DEFAULT_WORKSPACE_ID,
    input: { industry: 'saas', customer_count: 1000, avg_revenue: 100, churn_rate: 5, currency: 'USD' },
    result: { potential_savings: 2500, retention_uplift_percent: 0.75, break_even_point_months: 8.7 },
    ...(withEmail ? { contact: toContactCapture({ email: uniqueEmail('apply') }, 'roi_calculator', at) } : {}),
  };
}

describe('an ROI calculation written twice (a redelivery) changes nothing the second time', () => {
  it.each([
    ['anonymous', false],
    ['with an email', true],
  ])('%s', async (_, withEmail) => {
    const e = event(withEmail as boolean);
    const first = await writeBatch([e]);
    expect(first.written).toEqual([e.id]);
    await withTestDatabase(async (db) => {
      const caused = await db.select().from(deliveries).where(eq(deliveries.eventId, e.id));
      // With an email: sales hears of it and the CRM gets the lead, like every path that creates a lead.
      expect(caused.map((d) => `${d.destination}:${d.key}`).sort()).toEqual(withEmail ? ['crm:hubspot', 'email:sales_notification'] : []);
    });
    const second = await writeBatch([e]);
    expect(second).toEqual({ written: [], deliveryIds: [] });
    await withTestDatabase(async (db) => {
      expect(await db.select().from(calculatorSubmissions).where(eq(calculatorSubmissions.id, e.id))).toHaveLength(1);
      expect(await db.select().from(leadEvents).where(eq(leadEvents.id, e.id))).toHaveLength(withEmail ? 1 : 0);
      expect(await db.select().from(events).where(eq(events.id, e.id))).toEqual([expect.objectContaining({ state: 'stored', type: 'roi.calculated' })]);
    });
  });
});
