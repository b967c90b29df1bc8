import { z } from 'zod';
import { explain, type Factor, RECOMMENDATIONS, type Scored, type ScoringFeatures } from '../../domain/scoring';
import { callProvider, type Fetcher } from '../provider-call';

export interface ChatCompletionsOptions {
  /** Base URL of an OpenAI-compatible API, e.g. https://api.openai.com/v1. */
  url: string;
  apiKey?: string;
  model: string;
  timeoutMs: number;
  /** The answer's token budget (max_tokens). */
  maxTokens: number;
}

export type LlmScore = { ok: true; scored: Scored } | { ok: false; reason: string };

const FEATURES = ['source', 'stage', 'message_count', 'has_business_domain', 'business_domain', 'days_since_created'] as const;

/** The instructions: what the features mean, that the answer is advice, and the one JSON shape accepted. */
const SYSTEM_PROMPT = [
  'You score B2B sales leads. You give advice to a sales manager, who decides; you never act.',
  'You get exactly these features as JSON: source (the form or channel of the first touch), stage (new, contacted, qualified, transferred, lost),',
  'message_count (inbound interactions), has_business_domain, business_domain (the industry, or null), days_since_created.',
  'Answer with one JSON object and nothing else:',
  '{"score": number 0..1, "recommendation": "transfer_to_sales" | "nurture" | "disqualify", "reason": one sentence,',
  ' "factors": [{"feature": one of the feature names, "contribution": number -1..1}]}',
].join('\n');

const AnswerSchema = z.object({
  score: z.number().min(0).max(1),
  recommendation: z.enum(RECOMMENDATIONS),
  reason: z.string().min(1).max(400),
  factors: z
    .array(z.object({ feature: z.enum(FEATURES), contribution: z.number().min(-1).max(1) }))
    .max(12)
    .default([]),
});

/** The parts of a chat-completions answer we read. */
const CompletionSchema = z.object({
  choices: z
    .array(
      z.object({
        finish_reason: z.string().nullable().optional(),
        message: z.object({ content: z.string().nullable().optional(), refusal: z.string().nullable().optional() }),
      }),
    )
    .min(1),
});

/**
 * Asks an OpenAI-compatible chat-completions endpoint for a score, in JSON mode, with a timeout and a
 * token budget, and checks the answer with zod. Anything but a well-formed answer (an HTTP error, a
 * timeout, a refusal, an answer cut off by the budget, JSON that does not fit) is a reason, never an
 * exception: the caller falls back to the rules.
 */
export async function scoreWithChatCompletions(fetcher: Fetcher, o: ChatCompletionsOptions, features: ScoringFeatures): Promise<LlmScore> {
  const request = new Request(`${o.url.replace(/\/$/, '')}/chat/completions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(o.apiKey ? { authorization: `Bearer ${o.apiKey}` } : {}) },
    body: JSON.stringify({
      model: o.model,
      temperature: 0,
      max_tokens: o.maxTokens,
      response_format: { type: 'json_object' },
      messages: [
        { role: 'system', content: SYSTEM_PROMPT },
        { role: 'user', content: JSON.stringify(features) },
      ],
    }),
  });
  const sent = await callProvider(fetcher, request, { timeoutMs: o.timeoutMs });
  if (!sent.ok) return { ok: false, reason: sent.error.startsWith('timed out') ? 'timed out' : `HTTP ${sent.statusCode ?? 'error'}` };
  const completion = CompletionSchema.safeParse(sent.body);
  if (!completion.success) return { ok: false, reason: 'not a chat completion' };
  const choice = completion.data.choices[0]!;
  if (choice.message.refusal) return { ok: false, reason: 'refused' };
  if (choice.finish_reason === 'length') return { ok: false, reason: 'answer cut off by the token budget' };
  let parsed: unknown;
  try {
    parsed = JSON.parse(choice.message.content ?? '');
  } catch {
    return { ok: false, reason: 'answer is not JSON' };
  }
  const answer = AnswerSchema.safeParse(parsed);
  if (!answer.success) return { ok: false, reason: 'answer does not fit the schema' };
  const factors: Factor[] = answer.data.factors.map((f) => ({ feature: f.feature, value: features[f.feature], contribution: f.contribution }));
  const reason = answer.data.reason.split(/(?<=[.!?])\s/)[0]!.trim() || explain(answer.data.score, answer.data.recommendation, factors);
  return { ok: true, scored: { score: answer.data.score, recommendation: answer.data.recommendation, reason, factors } };
}
