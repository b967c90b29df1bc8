import type { LeadStage } from './pipeline';

/**
 * What a scorer sees of a lead: exactly these features, computed from our own data (nothing else about
 * the person — no name, email, phone or message text — ever reaches a scorer):
 * - `source`: the form (or the manager's channel) of the first touch;
 * - `stage`: where the lead is in the pipeline;
 * - `message_count`: inbound interactions — form submissions, calculations, downloads, demo bookings,
 *   chatbot messages and replies;
 * - `has_business_domain` and `business_domain`: the lead's industry, from the configured list;
 * - `days_since_created`: whole days since the first touch.
 */
export interface ScoringFeatures {
  source: string;
  stage: LeadStage;
  message_count: number;
  has_business_domain: boolean;
  business_domain: string | null;
  days_since_created: number;
}

export const RECOMMENDATIONS = ['transfer_to_sales', 'nurture', 'disqualify'] as const;
export type Recommendation = (typeof RECOMMENDATIONS)[number];

export interface Factor {
  feature: keyof ScoringFeatures | 'base';
  value: unknown;
  /** What this feature added to (or took from) the score. */
  contribution: number;
}

export interface Scored {
  score: number;
  recommendation: Recommendation;
  reason: string;
  factors: Factor[];
}

/** The deterministic scorer's name, as `model` of its analyses. */
export const RULES_MODEL = 'leadgate-rules-v1';

/**
 * The deterministic scorer's weights, all in one place. A score is the base plus each feature's
 * contribution, clamped to [0, 1]. Channels where someone vouches for the lead (a referral, a partner)
 * or that show buying intent (pricing, a demo) weigh most; every interaction adds a little, up to five;
 * an industry we can place adds; leads going cold lose a little each month.
 */
export const RULE_WEIGHTS = {
  base: 0.1,
  source: {
    referral: 0.25,
    partner: 0.2,
    demo_request: 0.2,
    pricing: 0.18,
    event: 0.12,
    contact_form: 0.12,
    roi_calculator: 0.1,
    chatbot: 0.08,
    outbound: 0.05,
    whitepaper_download: 0.05,
    manual: 0.05,
  } as Record<string, number>,
  stage: { new: 0, contacted: 0.05, qualified: 0.15, transferred: 0.15, lost: -0.5 } satisfies Record<LeadStage, number>,
  perInteraction: 0.05,
  interactionsCounted: 5,
  hasBusinessDomain: 0.15,
  /** Days since created: fresh leads gain, and each 30 days past the first 30 lose this much (at most 4 times). */
  freshDays: 7,
  fresh: 0.05,
  staleStepDays: 30,
  stalePerStep: -0.05,
  staleStepsMax: 4,
  /** Recommendation thresholds on the final score. */
  transferAt: 0.6,
  nurtureAt: 0.3,
} as const;

const round = (n: number) => Math.round(n * 1000) / 1000;

/** Transfer at the workspace's TRANSFER_MIN_SCORE (the gate's own threshold), so advice and gate agree. */
export function recommendationFor(score: number, transferAt: number = RULE_WEIGHTS.transferAt): Recommendation {
  const nurtureAt = Math.min(RULE_WEIGHTS.nurtureAt, transferAt);
  return score >= transferAt ? 'transfer_to_sales' : score >= nurtureAt ? 'nurture' : 'disqualify';
}

/** The deterministic scorer: pure, documented above, and what `npm run dev` and the tests use. */
export function scoreByRules(f: ScoringFeatures, transferAt: number = RULE_WEIGHTS.transferAt): Scored {
  const w = RULE_WEIGHTS;
  const counted = Math.min(Math.max(0, f.message_count), w.interactionsCounted);
  const staleSteps = Math.min(w.staleStepsMax, Math.max(0, Math.floor((f.days_since_created - w.staleStepDays) / w.staleStepDays) + 1));
  const factors: Factor[] = [
    { feature: 'base', value: null, contribution: w.base },
    { feature: 'source', value: f.source, contribution: w.source[f.source] ?? 0 },
    { feature: 'stage', value: f.stage, contribution: w.stage[f.stage] },
    { feature: 'message_count', value: f.message_count, contribution: round(counted * w.perInteraction) },
    { feature: 'has_business_domain', value: f.has_business_domain, contribution: f.has_business_domain ? w.hasBusinessDomain : 0 },
    { feature: 'business_domain', value: f.business_domain, contribution: 0 },
    {
      feature: 'days_since_created',
      value: f.days_since_created,
      contribution: f.days_since_created <= w.freshDays ? w.fresh : f.days_since_created > w.staleStepDays ? round(staleSteps * w.stalePerStep) : 0,
    },
  ];
  const score = round(
    Math.min(
      1,
      Math.max(
        0,
        factors.reduce((sum, x) => sum + x.contribution, 0),
      ),
    ),
  );
  const recommendation = recommendationFor(score, transferAt);
  return { score, recommendation, reason: explain(score, recommendation, factors), factors };
}

/** One sentence: the recommendation and the features that moved the score most. */
export function explain(score: number, recommendation: Recommendation, factors: Factor[]): string {
  const top = factors
    .filter((x) => x.feature !== 'base' && x.contribution !== 0)
    .sort((a, b) => Math.abs(b.contribution) - Math.abs(a.contribution))
    .slice(0, 3)
    .map((x) => `${String(x.feature).replaceAll('_', ' ')} ${x.contribution > 0 ? '+' : ''}${x.contribution}`);
  const verdict = { transfer_to_sales: 'transfer to sales', nurture: 'nurture', disqualify: 'disqualify' }[recommendation];
  return `Score ${score.toFixed(2)}, ${verdict}${top.length ? `: ${top.join(', ')}` : ''}.`;
}

/** The canonical text of the features, for the cache key: the same input always gives the same text. */
export function featuresKey(f: ScoringFeatures): string {
  return JSON.stringify([f.source, f.stage, f.message_count, f.has_business_domain, f.business_domain, f.days_since_created]);
}

/** Score bands of the feedback report (GET /api/v1/analytics/scoring). */
export const SCORE_BANDS = [0, 0.2, 0.4, 0.6, 0.8] as const;
export function bandOf(score: number): string {
  const lower = [...SCORE_BANDS].reverse().find((b) => score >= b) ?? 0;
  const upper = SCORE_BANDS[SCORE_BANDS.indexOf(lower as (typeof SCORE_BANDS)[number]) + 1] ?? 1;
  return `${lower.toFixed(1)}–${upper.toFixed(1)}`;
}
