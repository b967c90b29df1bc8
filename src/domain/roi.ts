/**
 * The ROI calculator's formula: a pure function, no I/O. The numbers it uses per industry (the
 * benchmarks) live in Postgres so that marketing can change them without a deploy.
 *
 * The model, per month, in the prospect's currency (no exchange-rate conversion is applied):
 *
 *   monthly_revenue             = customer_count × avg_revenue
 *   monthly_revenue_lost        = monthly_revenue × churn_rate / 100
 *   monthly_revenue_retained    = monthly_revenue_lost × expected_churn_reduction_percent / 100
 *   retention_uplift_percent    = churn_rate × expected_churn_reduction_percent / 100
 *                                 (percentage points of monthly retention gained: 95 % → 95.75 %)
 *   potential_savings           = monthly_revenue_retained × max(0, 12 − time_to_value_months)
 *                                 − implementation_cost          (net, over the first 12 months)
 *   break_even_point_months     = time_to_value_months + implementation_cost / monthly_revenue_retained
 *                                 (rounded up to 0.1 month; null when nothing is retained, or when it
 *                                 would take longer than BREAK_EVEN_LIMIT_MONTHS)
 *
 * Nothing is saved before time_to_value_months have passed. The model is deliberately conservative:
 * each month's saved revenue is counted once; the later revenue of customers kept is not compounded.
 */

export const INDUSTRIES = ['saas', 'ecommerce', 'fintech', 'healthcare', 'education', 'manufacturing', 'professional_services', 'other'] as const;
export type Industry = (typeof INDUSTRIES)[number];

/** The bounds the API enforces; the formula refuses anything outside them rather than return nonsense. */
export const ROI_LIMITS = {
  maxCustomerCount: 10_000_000,
  maxAvgRevenue: 10_000_000,
  maxImplementationCost: 100_000_000,
  maxTimeToValueMonths: 24,
} as const;

/** The savings are reported over the first year. */
export const HORIZON_MONTHS = 12;
/** Beyond ten years a "break-even" is not a promise anyone should make. */
export const BREAK_EVEN_LIMIT_MONTHS = 120;

export interface IndustryBenchmark {
  industry: Industry;
  /** Share of churn the product is expected to prevent, in percent (15 = 15 % fewer churned customers). */
  expectedChurnReductionPercent: number;
  /** One-off cost of rolling the product out. */
  implementationCost: number;
  /** Whole months before the product starts saving anything. */
  timeToValueMonths: number;
}

export interface RoiInput {
  customerCount: number;
  /** Revenue per customer per month. */
  avgRevenue: number;
  /** Monthly churn, in percent (0–100). */
  churnRatePercent: number;
}

export interface RoiResult {
  monthlyRevenue: number;
  monthlyRevenueLostToChurn: number;
  monthlyRevenueRetained: number;
  retentionBeforePercent: number;
  retentionAfterPercent: number;
  retentionUpliftPercent: number;
  potentialSavings: number;
  breakEvenPointMonths: number | null;
  /** The break-even in words, for the page to show as is. */
  breakEven: string;
}

// `|| 0` turns -0 (e.g. a rounded -0.001) into 0.
const money = (x: number) => Math.round(x * 100) / 100 || 0;
const percent = (x: number) => Math.round(x * 1000) / 1000 || 0;
/** Rounded up, so that we never announce a break-even before it happens (the epsilon absorbs float noise). */
const monthsUp = (x: number) => Math.ceil(x * 10 - 1e-9) / 10 || 0;

function check(name: string, value: number, min: number, max: number, integer = false) {
  if (!Number.isFinite(value) || value < min || value > max || (integer && !Number.isInteger(value))) {
    throw new RangeError(`${name} must be ${integer ? 'an integer ' : ''}between ${min} and ${max}`);
  }
}

export function calculateRoi(input: RoiInput, benchmark: IndustryBenchmark): RoiResult {
  check('customerCount', input.customerCount, 1, ROI_LIMITS.maxCustomerCount, true);
  check('avgRevenue', input.avgRevenue, Number.MIN_VALUE, ROI_LIMITS.maxAvgRevenue);
  check('churnRatePercent', input.churnRatePercent, 0, 100);
  check('expectedChurnReductionPercent', benchmark.expectedChurnReductionPercent, 0, 100);
  check('implementationCost', benchmark.implementationCost, 0, ROI_LIMITS.maxImplementationCost);
  check('timeToValueMonths', benchmark.timeToValueMonths, 0, ROI_LIMITS.maxTimeToValueMonths, true);

  const reduction = benchmark.expectedChurnReductionPercent / 100;
  const monthlyRevenue = input.customerCount * input.avgRevenue;
  const lost = (monthlyRevenue * input.churnRatePercent) / 100;
  const retained = lost * reduction;
  const uplift = input.churnRatePercent * reduction;
  const monthsSaving = Math.max(0, HORIZON_MONTHS - benchmark.timeToValueMonths);
  const potentialSavings = retained * monthsSaving - benchmark.implementationCost;

  const { months, words } = breakEven(retained, benchmark);
  return {
    monthlyRevenue: money(monthlyRevenue),
    monthlyRevenueLostToChurn: money(lost),
    monthlyRevenueRetained: money(retained),
    retentionBeforePercent: percent(100 - input.churnRatePercent),
    retentionAfterPercent: percent(100 - input.churnRatePercent + uplift),
    retentionUpliftPercent: percent(uplift),
    potentialSavings: money(potentialSavings),
    breakEvenPointMonths: months,
    breakEven: words,
  };
}

function breakEven(retainedPerMonth: number, b: IndustryBenchmark): { months: number | null; words: string } {
  if (retainedPerMonth <= 0) {
    return { months: null, words: 'Never: with this churn rate there is no churned revenue to win back, so the projected savings never cover the cost.' };
  }
  const months = b.timeToValueMonths + b.implementationCost / retainedPerMonth;
  if (months > BREAK_EVEN_LIMIT_MONTHS) {
    return {
      months: null,
      words: `Not within ${BREAK_EVEN_LIMIT_MONTHS / 12} years: the projected savings are too small to cover the implementation cost in that time.`,
    };
  }
  const rounded = monthsUp(months);
  return { months: rounded, words: rounded === 0 ? 'Immediately: there is no implementation cost to recover.' : `After ${rounded} months.` };
}
