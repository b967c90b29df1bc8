import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import { eq, sql } from 'drizzle-orm';
import { delay, HttpResponse, http } from 'msw';
import { afterAll, describe, expect, it } from 'vitest';
import { configOf } from '../../src/config';
import { analyses, leadEvents } from '../../src/db/schema';
import { newId } from '../../src/domain/ids';
import { RULES_MODEL, scoreByRules } from '../../src/domain/scoring';
import { DEFAULT_WORKSPACE_ID } from '../../src/domain/workspace';
import worker from '../../src/index';
import { workspaceContext } from '../../src/queues/consumer-context';
import { analyzeLead } from '../../src/services/pipeline/analyze';
import { ADMIN_KEY, appDatabase, database, uniqueEmail } from '../support/api';
import { insertLead } from '../support/leads';
import { server } from '../support/msw';

const LLM = 'https://llm.example.com/v1';
const llmEnv = { ...env, SCORER: 'llm', LLM_API_URL: LLM, LLM_API_KEY: 'sk-test', LLM_MODEL: 'gpt-test', LLM_TIMEOUT_MS: '300', LLM_MAX_TOKENS: '300' } as Env;
const app = appDatabase();
afterAll(() => app.close());

function contextFor(e: Env, workspaceId = DEFAULT_WORKSPACE_ID) {
  return workspaceContext(
    e,
    { id: workspaceId, slug: 'default', name: 'Default', siteKey: '', isDefault: true, config: configOf(e as never) },
    app.db,
    createExecutionContext(),
    'scoring-test',
  );
}

async function newLead(fields: Partial<Parameters<typeof insertLead>[1]> = {}) {
  const { db, close } = database();
  try {
    return await insertLead(db, { email: uniqueEmail('score'), source: 'referral', stage: 'qualified', businessDomain: 'fintech', ...fields });
  } finally {
    await close();
  }
}

/** An OpenAI chat-completions answer, as the API shapes it. */
const completion = (content: string | null, extra: { refusal?: string; finish_reason?: string } = {}) => ({
  id: 'chatcmpl-abc123',
  object: 'chat.completion',
  created: 1733011200,
  model: 'gpt-test',
  choices: [
    { index: 0, message: { role: 'assistant', content, refusal: extra.refusal ?? null }, logprobs: null, finish_reason: extra.finish_reason ?? 'stop' },
  ],
  usage: { prompt_tokens: 120, completion_tokens: 40, total_tokens: 160 },
});
const GOOD = JSON.stringify({
  score: 0.91,
  recommendation: 'transfer_to_sales',
  reason: 'A referral in fintech that is already qualified.',
  factors: [
    { feature: 'source', contribution: 0.4 },
    { feature: 'business_domain', contribution: 0.2 },
  ],
});

describe('the deterministic scorer (the default)', () => {
  it("scores by the documented weights, the same every time, with each feature's contribution", () => {
    const f = {
      source: 'referral',
      stage: 'qualified' as const,
      message_count: 2,
      has_business_domain: true,
      business_domain: 'fintech',
      days_since_created: 1,
    };
    const a = scoreByRules(f);
    // base 0.1 + referral 0.25 + qualified 0.15 + 2 × 0.05 + business domain 0.15 + fresh 0.05
    expect(a.score).toBe(0.8);
    expect(a.recommendation).toBe('transfer_to_sales');
    expect(a.factors.reduce((s, x) => s + x.contribution, 0)).toBeCloseTo(0.8, 10);
    expect(scoreByRules(f)).toEqual(a);
    expect(scoreByRules({ ...f, stage: 'lost' }).recommendation).toBe('disqualify');
    expect(
      scoreByRules({ ...f, source: 'whitepaper_download', has_business_domain: false, business_domain: null, message_count: 0, days_since_created: 200 }),
    ).toMatchObject({
      score: 0.1,
      recommendation: 'disqualify',
    });
  });
});

describe('the analysis cache', () => {
  it('returns the stored analysis for the same input within the TTL, and a new one once an input changed or the TTL passed', async () => {
    const leadId = await newLead();
    const ctx = contextFor(env);
    const first = await analyzeLead({ ctx, input: { leadId, trigger: 'manager' } });
    expect(first.cached).toBe(false);
    const hit = await analyzeLead({ ctx, input: { leadId, trigger: 'manager' } });
    expect(hit).toMatchObject({ cached: true, analysis: { id: first.analysis.id } });

    // Stale: a new interaction changes message_count.
    const { db, close } = database();
    try {
      await db
        .insert(leadEvents)
        .values({ id: newId(), workspaceId: DEFAULT_WORKSPACE_ID, leadId, type: 'form_submitted', source: 'pricing', payload: {}, occurredAt: new Date() });
      const stale = await analyzeLead({ ctx, input: { leadId, trigger: 'manager' } });
      expect(stale.cached).toBe(false);
      expect(stale.analysis.input.message_count).toBe(1);
      // Expired: the same input, but the stored analysis is older than ANALYSIS_TTL_SECONDS.
      await db.update(analyses).set({ createdAt: sql`now() - interval '2 hours'` }).where(eq(analyses.leadId, leadId));
      const expired = await analyzeLead({ ctx, input: { leadId, trigger: 'manager' } });
      expect(expired.cached).toBe(false);
      expect(expired.analysis.id).not.toBe(stale.analysis.id);
      expect(await db.select().from(analyses).where(eq(analyses.leadId, leadId))).toHaveLength(3);
    } finally {
      await close();
    }
  });
});

describe('the LLM scorer: JSON in, zod-checked JSON out, the rules when it fails', () => {
  it('sends exactly the six features (nothing about the person) and uses a well-formed answer', async () => {
    let sent: any;
    server.use(
      http.post(`${LLM}/chat/completions`, async ({ request }) => {
        sent = { auth: request.headers.get('authorization'), body: await request.json() };
        return HttpResponse.json(completion(GOOD));
      }),
    );
    const leadId = await newLead({ name: 'Very Personal Name', phone: '+48600100200' });
    const { analysis } = await analyzeLead({ ctx: contextFor(llmEnv), input: { leadId, trigger: 'manager' } });
    expect(analysis).toMatchObject({ model: 'gpt-test', output: { score: 0.91, recommendation: 'transfer_to_sales' } });
    expect(analysis.output.factors).toEqual([
      { feature: 'source', value: 'referral', contribution: 0.4 },
      { feature: 'business_domain', value: 'fintech', contribution: 0.2 },
    ]);
    expect(sent.auth).toBe('Bearer sk-test');
    expect(sent.body).toMatchObject({ model: 'gpt-test', temperature: 0, max_tokens: 300, response_format: { type: 'json_object' } });
    const user = JSON.parse(sent.body.messages.at(-1).content);
    expect(Object.keys(user).sort()).toEqual(['business_domain', 'days_since_created', 'has_business_domain', 'message_count', 'source', 'stage']);
    expect(JSON.stringify(sent.body)).not.toMatch(/Very Personal|600100200|@/);
  });

  const failures: Array<[string, Parameters<typeof http.post>[1], string]> = [
    [
      'slow (past the timeout)',
      async () => {
        await delay(1500);
        return HttpResponse.json(completion(GOOD));
      },
      'timed out',
    ],
    [
      'down (500, OpenAI error shape)',
      () => HttpResponse.json({ error: { message: 'The server had an error', type: 'server_error', param: null, code: null } }, { status: 500 }),
      'HTTP 500',
    ],
    [
      'rate limited (429)',
      () => HttpResponse.json({ error: { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' } }, { status: 429 }),
      'HTTP 429',
    ],
    ['not JSON', () => HttpResponse.json(completion('Sure! The score is 0.8.')), 'answer is not JSON'],
    ['JSON of the wrong shape', () => HttpResponse.json(completion(JSON.stringify({ score: 7, recommendation: 'buy' }))), 'answer does not fit the schema'],
    ['a refusal', () => HttpResponse.json(completion(null, { refusal: "I can't help with that." })), 'refused'],
    [
      'cut off by the token budget',
      () => HttpResponse.json(completion('{"score": 0.9, "recommendation": "tra', { finish_reason: 'length' })),
      'answer cut off by the token budget',
    ],
    ['not a chat completion at all', () => HttpResponse.text('<html>gateway</html>', { status: 200 }), 'not a chat completion'],
  ];
  for (const [name, handler, why] of failures) {
    it(`falls back to the rules when the LLM is ${name}, and says so in model`, async () => {
      server.use(http.post(`${LLM}/chat/completions`, handler));
      const leadId = await newLead();
      const { analysis } = await analyzeLead({ ctx: contextFor(llmEnv), input: { leadId, trigger: 'manager' } });
      expect(analysis.model).toBe(`${RULES_MODEL} (fallback: gpt-test ${why})`);
      expect(analysis.output).toEqual(scoreByRules(analysis.input));
    });
  }

  it('stops calling the LLM when the daily budget is used up', async () => {
    let calls = 0;
    server.use(
      http.post(`${LLM}/chat/completions`, () => {
        calls++;
        return HttpResponse.json(completion(GOOD));
      }),
    );
    const budgeted = { ...llmEnv, LLM_DAILY_BUDGET: '2' } as Env;
    const workspace = crypto.randomUUID(); // a budget of its own (budgets are per workspace)
    const ctx = { ...contextFor(budgeted), workspace: { id: workspace, slug: 'budget' }, inWorkspace: contextFor(budgeted).inWorkspace };
    const models = [];
    for (let i = 0; i < 3; i++) models.push((await analyzeLead({ ctx, input: { leadId: await newLead(), trigger: 'manager' } })).analysis.model);
    expect(models).toEqual(['gpt-test', 'gpt-test', `${RULES_MODEL} (fallback: gpt-test daily budget used up)`]);
    expect(calls).toBe(2);
  });

  it('never answers 500 through the API, whatever the LLM does', async () => {
    server.use(http.post(`${LLM}/chat/completions`, () => HttpResponse.error()));
    const leadId = await newLead();
    const ctx = createExecutionContext();
    const res = await worker.fetch(
      new Request(`https://api.example.com/api/v1/leads/${leadId}/analyze`, { method: 'POST', headers: { authorization: `Bearer ${ADMIN_KEY}` } }),
      llmEnv,
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ model: expect.stringContaining('fallback'), cached: false });
  });
});

describe('the rules scorer’s advice follows the workspace’s transfer threshold', () => {
  it('recommends a transfer at TRANSFER_MIN_SCORE, not at a fixed 0.6', async () => {
    const { recommendationFor } = await import('../../src/domain/scoring');
    expect(recommendationFor(0.55)).toBe('nurture');
    expect(recommendationFor(0.55, 0.5)).toBe('transfer_to_sales');
    expect(recommendationFor(0.65, 0.7)).toBe('nurture');
    expect(recommendationFor(0.2, 0.25)).toBe('disqualify');
  });
});
