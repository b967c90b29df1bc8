import { and, eq } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { calculatorSubmissions, deliveries, leadEvents, leads } from '../../src/db/schema';
import { ADMIN_KEY, adminGet, call, database, eventually, postJson, uniqueEmail } from '../support/api';
import { server, siteverifyRequests } from '../support/msw';
import { HAND_COMPUTED } from './hand-computed';
import { TOKEN, turnstilePassesFor } from './siteverify';

const URL = '/api/v1/tools/calculate-roi';
/** A customer count no other test uses, to find this test's anonymous calculator_submissions rows. */
const uniqueCount = () => 100_000 + Math.floor(Math.random() * 9_000_000);

beforeEach(() => {
  server.use(turnstilePassesFor('roi_calculator'));
});

async function submissionsWithCount(count: number) {
  const { db, close } = database();
  try {
    return await db.select().from(calculatorSubmissions).where(eq(calculatorSubmissions.customerCount, count));
  } finally {
    await close();
  }
}

describe('POST /api/v1/tools/calculate-roi — results', () => {
  it.each(HAND_COMPUTED)('%s: hand-computed result with the seeded benchmarks', async (industry, want) => {
    const res = await postJson(URL, { industry, customer_count: 1000, avg_revenue: 100, churn_rate: 5, turnstile_token: TOKEN });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body).toMatchObject({
      industry,
      currency: 'USD',
      potential_savings: want.savings,
      retention_uplift_percent: want.uplift,
      break_even_point_months: want.breakEven,
      working: { monthly_revenue: 100_000, monthly_revenue_lost_to_churn: 5000, monthly_revenue_retained: want.retained },
    });
    expect(body.assumptions.horizon_months).toBe(12);
    expect(body.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7/);
  });

  it('stores an anonymous calculation through the queue, with no lead', async () => {
    const count = uniqueCount();
    const res = await postJson(URL, {
      industry: 'fintech',
      customer_count: count,
      avg_revenue: 49.5,
      churn_rate: 2.5,
      currency: 'EUR',
      turnstile_token: TOKEN,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(siteverifyRequests).toHaveLength(1); // Turnstile is asked even without an email
    const [row] = await eventually(async () => {
      const r = await submissionsWithCount(count);
      return r.length ? r : null;
    });
    expect(row!.id).toBe(body.id);
    expect(row!.leadId).toBeNull();
    expect(row!.currency).toBe('EUR');
    expect(row!.avgRevenue).toBe('49.50');
    expect(row!.result).toMatchObject({ potential_savings: body.potential_savings, break_even_point_months: body.break_even_point_months });
  });

  it('churn 0 answers plainly that it never breaks even', async () => {
    const res = await postJson(URL, { industry: 'saas', customer_count: 500, avg_revenue: 20, churn_rate: 0, turnstile_token: TOKEN });
    const body = (await res.json()) as any;
    expect(res.status).toBe(200);
    expect(body.break_even_point_months).toBeNull();
    expect(body.break_even).toMatch(/^Never: /);
    expect(body.potential_savings).toBe(-5000);
  });

  it('the largest accepted inputs give finite numbers', async () => {
    const res = await postJson(URL, { industry: 'healthcare', customer_count: 10_000_000, avg_revenue: 10_000_000, churn_rate: 100, turnstile_token: TOKEN });
    expect(res.status).toBe(200);
    const body = (await res.json()) as any;
    expect(body.working.monthly_revenue).toBe(1e14);
    expect(body.potential_savings).toBe(8e12 * 8 - 20000); // 8 % of 1e14 kept, 8 months of value
  });
});

describe('POST /api/v1/tools/calculate-roi — with an email', () => {
  it('upserts the lead, records roi_calculated and notifies sales with the calculation', async () => {
    const email = uniqueEmail('roi');
    const res = await postJson(URL, {
      industry: 'saas',
      customer_count: 1000,
      avg_revenue: 100,
      churn_rate: 5,
      email,
      name: 'Ada Lovelace',
      company: 'Analytical',
      consent: { marketing: true },
      utm: { source: 'newsletter' },
      turnstile_token: TOKEN,
    });
    expect(res.status).toBe(200);
    const { id } = (await res.json()) as any;

    const { db, close } = database();
    try {
      const event = await eventually(async () => (await db.select().from(leadEvents).where(eq(leadEvents.id, id)))[0]);
      expect(event.type).toBe('roi_calculated');
      expect(event.source).toBe('roi_calculator');
      expect(event.payload).toMatchObject({ calculation_id: id, input: { industry: 'saas', customer_count: 1000 }, result: { potential_savings: 2500 } });

      const [lead] = await db.select().from(leads).where(eq(leads.id, event.leadId));
      expect(lead!.email).toBe(email);
      expect(lead!.firstSource).toBe('roi_calculator');
      expect(lead!.consent).toEqual({ marketing: true });

      const [submission] = await db.select().from(calculatorSubmissions).where(eq(calculatorSubmissions.id, id));
      expect(submission!.leadId).toBe(lead!.id);

      const [note] = await db
        .select()
        .from(deliveries)
        .where(and(eq(deliveries.eventId, id), eq(deliveries.key, 'sales_notification')));
      expect(note!.destination).toBe('email');
      expect(note!.leadId).toBe(lead!.id);
      const payload = note!.payload as any;
      expect(payload.template).toBe('sales_notification');
      expect(payload.data.lead).toMatchObject({ id: lead!.id, email, name: 'Ada Lovelace', company: 'Analytical', source: 'roi_calculator' });
      expect(payload.data.calculation).toEqual({
        industry: 'saas',
        customer_count: 1000,
        avg_revenue: 100,
        churn_rate: 5,
        currency: 'USD',
        potential_savings: 2500,
        retention_uplift_percent: 0.75,
        break_even_point_months: 8.7,
      });
    } finally {
      await close();
    }
  });
});

describe('POST /api/v1/tools/calculate-roi — bad input and bots', () => {
  const good = { industry: 'saas', customer_count: 10, avg_revenue: 10, churn_rate: 10, turnstile_token: TOKEN };
  const cases: Array<[string, Record<string, unknown>, string]> = [
    ['churn above 100', { churn_rate: 100.5 }, 'churn_rate'],
    ['negative churn', { churn_rate: -1 }, 'churn_rate'],
    ['no customers', { customer_count: 0 }, 'customer_count'],
    ['fractional customers', { customer_count: 2.5 }, 'customer_count'],
    ['absurd customer count', { customer_count: 10_000_001 }, 'customer_count'],
    ['zero revenue', { avg_revenue: 0 }, 'avg_revenue'],
    ['absurd revenue', { avg_revenue: 1e12 }, 'avg_revenue'],
    ['unknown industry', { industry: 'mining' }, 'industry'],
    ['bad currency', { currency: 'usd' }, 'currency'],
    ['unknown field', { discount: 5 }, 'discount'],
    ['a name without an email', { name: 'Bob' }, 'name'],
    ['no Turnstile token', { turnstile_token: undefined }, 'turnstile_token'],
  ];

  it('each invalid field → 422 problem+json naming it; Turnstile never asked; nothing stored', async () => {
    const counts: number[] = [];
    for (const [what, change, field] of cases) {
      const count = uniqueCount();
      counts.push(count);
      const res = await postJson(URL, { ...good, customer_count: count, ...change });
      expect(res.status, what).toBe(422);
      expect(res.headers.get('content-type'), what).toBe('application/problem+json');
      const problem = (await res.json()) as any;
      expect(problem.code, what).toBe('validation_failed');
      expect(
        problem.errors.map((e: any) => e.field),
        what,
      ).toContain(field);
    }
    expect(siteverifyRequests).toHaveLength(0);
    // A good calculation sent after them lands; the bad ones never do.
    const marker = uniqueCount();
    expect((await postJson(URL, { ...good, customer_count: marker })).status).toBe(200);
    await eventually(async () => (await submissionsWithCount(marker)).length > 0);
    for (const count of counts) expect(await submissionsWithCount(count)).toHaveLength(0);
  });

  it('malformed JSON → 400 problem+json', async () => {
    const res = await postJson(URL, '{"industry": "saas",');
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).code).toBe('malformed_json');
  });

  it('a Turnstile token for another form is refused (403) and nothing is stored', async () => {
    server.use(turnstilePassesFor('lead'));
    const count = uniqueCount();
    const res = await postJson(URL, { ...good, customer_count: count });
    expect(res.status).toBe(403);
    expect(((await res.json()) as any).code).toBe('captcha_failed');
    server.use(turnstilePassesFor('roi_calculator'));
    const marker = uniqueCount();
    await postJson(URL, { ...good, customer_count: marker });
    await eventually(async () => (await submissionsWithCount(marker)).length > 0);
    expect(await submissionsWithCount(count)).toHaveLength(0);
  });

  it('a filled honeypot gets an answer but nothing is stored', async () => {
    const count = uniqueCount();
    const res = await postJson(URL, { ...good, customer_count: count, website: 'http://spam.example' });
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).potential_savings).toBeTypeOf('number');
    const marker = uniqueCount();
    await postJson(URL, { ...good, customer_count: marker });
    await eventually(async () => (await submissionsWithCount(marker)).length > 0);
    expect(await submissionsWithCount(count)).toHaveLength(0);
  });
});

// Benchmark edits live in this file, not beside it: files run in parallel on one database, and the
// hand-computed cases above must not see another file's temporary edit.
function put(industry: string, body: unknown, key = ADMIN_KEY) {
  return call(`/api/v1/benchmarks/${industry}`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify(body),
  });
}

describe('benchmarks admin', () => {
  it('lists every industry with its seeded defaults', async () => {
    const res = await adminGet('/api/v1/benchmarks');
    expect(res.status).toBe(200);
    const { items } = (await res.json()) as any;
    expect(items.map((b: any) => b.industry)).toEqual([
      'ecommerce',
      'education',
      'fintech',
      'healthcare',
      'manufacturing',
      'other',
      'professional_services',
      'saas',
    ]);
    expect(items.find((b: any) => b.industry === 'manufacturing')).toMatchObject({
      expected_churn_reduction_percent: 7,
      implementation_cost: 12000,
      time_to_value_months: 4,
    });
  });

  it('an edit takes effect on the next calculation', async () => {
    const calc = async () =>
      (await (
        await postJson('/api/v1/tools/calculate-roi', { industry: 'education', customer_count: 1000, avg_revenue: 100, churn_rate: 5, turnstile_token: TOKEN })
      ).json()) as any;
    const before = await calc(); // warms this worker's cache with the seeded numbers
    expect(before.potential_savings).toBe(1000);

    const original = ((await (await adminGet('/api/v1/benchmarks')).json()) as any).items.find((b: any) => b.industry === 'education');
    try {
      const res = await put('education', { expected_churn_reduction_percent: 20, implementation_cost: 2000, time_to_value_months: 0, source: 'test' });
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        industry: 'education',
        expected_churn_reduction_percent: 20,
        implementation_cost: 2000,
        time_to_value_months: 0,
        source: 'test',
      });

      const after = await calc();
      // 5,000 lost × 20 % = 1,000 a month; 12 × 1,000 − 2,000 = 10,000; break-even 0 + 2 months.
      expect(after.assumptions).toEqual({ expected_churn_reduction_percent: 20, implementation_cost: 2000, time_to_value_months: 0, horizon_months: 12 });
      expect(after.potential_savings).toBe(10_000);
      expect(after.break_even_point_months).toBe(2);
    } finally {
      const { industry, updated_at, ...restore } = original;
      expect((await put('education', restore)).status).toBe(200);
    }
  });

  it('refuses invalid numbers with 422 problem+json', async () => {
    const res = await put('saas', { expected_churn_reduction_percent: 150, implementation_cost: -1, time_to_value_months: 1.5 });
    expect(res.status).toBe(422);
    expect(res.headers.get('content-type')).toBe('application/problem+json');
    const fields = ((await res.json()) as any).errors.map((e: any) => e.field);
    expect(fields).toEqual(expect.arrayContaining(['expected_churn_reduction_percent', 'implementation_cost', 'time_to_value_months']));
    const saas = ((await (await adminGet('/api/v1/benchmarks')).json()) as any).items.find((b: any) => b.industry === 'saas');
    expect(saas.expected_churn_reduction_percent).toBe(15);
  });

  it('refuses an unknown industry (422) and a missing or wrong key (401)', async () => {
    expect((await put('mining', { expected_churn_reduction_percent: 1, implementation_cost: 1, time_to_value_months: 1 })).status).toBe(422);
    expect(
      (await put('saas', { expected_churn_reduction_percent: 1, implementation_cost: 1, time_to_value_months: 1 }, 'wrong-key-0123456789abcdefgh')).status,
    ).toBe(401);
    expect((await call('/api/v1/benchmarks')).status).toBe(401);
  });
});

describe('OpenAPI document', () => {
  it('documents the formula and the new endpoints', async () => {
    const res = await call('/openapi.json');
    expect(res.status).toBe(200);
    const doc = (await res.json()) as any;
    expect(doc.paths['/api/v1/tools/calculate-roi'].post.description).toContain(
      'break_even_point_months = time_to_value_months + implementation_cost / monthly_revenue_retained',
    );
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining(['/api/v1/content/{slug}/download', '/api/v1/content/{slug}/file', '/api/v1/benchmarks', '/api/v1/benchmarks/{industry}']),
    );
  });
});
