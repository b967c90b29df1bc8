import { describe, expect, it } from 'vitest';
import { calculateRoi, type Industry, type IndustryBenchmark } from '../../src/domain/roi';
import { HAND_COMPUTED } from './hand-computed';

/** The defaults seeded by drizzle/0003_benchmarks_seed.sql. */
const SEEDED: Record<Industry, Omit<IndustryBenchmark, 'industry'>> = {
  saas: { expectedChurnReductionPercent: 15, implementationCost: 5000, timeToValueMonths: 2 },
  ecommerce: { expectedChurnReductionPercent: 10, implementationCost: 3000, timeToValueMonths: 1 },
  fintech: { expectedChurnReductionPercent: 12, implementationCost: 15000, timeToValueMonths: 3 },
  healthcare: { expectedChurnReductionPercent: 8, implementationCost: 20000, timeToValueMonths: 4 },
  education: { expectedChurnReductionPercent: 10, implementationCost: 4000, timeToValueMonths: 2 },
  manufacturing: { expectedChurnReductionPercent: 7, implementationCost: 12000, timeToValueMonths: 4 },
  professional_services: { expectedChurnReductionPercent: 12, implementationCost: 6000, timeToValueMonths: 2 },
  other: { expectedChurnReductionPercent: 10, implementationCost: 5000, timeToValueMonths: 2 },
};
const bench = (industry: Industry, over: Partial<IndustryBenchmark> = {}): IndustryBenchmark => ({ industry, ...SEEDED[industry], ...over });

const typical = { customerCount: 1000, avgRevenue: 100, churnRatePercent: 5 };

describe('calculateRoi — hand-computed cases per industry (seeded benchmarks)', () => {
  it.each(HAND_COMPUTED)('%s', (industry, want) => {
    const r = calculateRoi(typical, bench(industry));
    expect(r.monthlyRevenue).toBe(100_000);
    expect(r.monthlyRevenueLostToChurn).toBe(5_000);
    expect(r.monthlyRevenueRetained).toBe(want.retained);
    expect(r.retentionUpliftPercent).toBe(want.uplift);
    expect(r.retentionBeforePercent).toBe(95);
    expect(r.retentionAfterPercent).toBe(95 + want.uplift);
    expect(r.potentialSavings).toBe(want.savings);
    expect(r.breakEvenPointMonths).toBe(want.breakEven);
    expect(r.breakEven).toBe(`After ${want.breakEven} months.`);
  });
});

describe('calculateRoi — edge values', () => {
  it('churn 0: nothing to win back, never breaks even, and says so', () => {
    const r = calculateRoi({ ...typical, churnRatePercent: 0 }, bench('saas'));
    expect(r.monthlyRevenueRetained).toBe(0);
    expect(r.retentionUpliftPercent).toBe(0);
    expect(r.potentialSavings).toBe(-5000);
    expect(r.breakEvenPointMonths).toBeNull();
    expect(r.breakEven).toMatch(/^Never: /);
  });

  it('churn 100: every customer leaves each month; 15 % of them kept', () => {
    const r = calculateRoi({ ...typical, churnRatePercent: 100 }, bench('saas'));
    expect(r.monthlyRevenueLostToChurn).toBe(100_000);
    expect(r.monthlyRevenueRetained).toBe(15_000);
    expect(r.retentionBeforePercent).toBe(0);
    expect(r.retentionAfterPercent).toBe(15);
    expect(r.retentionUpliftPercent).toBe(15);
    expect(r.potentialSavings).toBe(15_000 * 10 - 5000);
    expect(r.breakEvenPointMonths).toBe(2.4); // 2 + 0.333, rounded up
  });

  it('one customer: the savings are too small to break even within ten years', () => {
    const r = calculateRoi({ customerCount: 1, avgRevenue: 100, churnRatePercent: 5 }, bench('saas'));
    expect(r.monthlyRevenueRetained).toBe(0.75);
    expect(r.potentialSavings).toBe(0.75 * 10 - 5000);
    expect(r.breakEvenPointMonths).toBeNull(); // 2 + 6,667 months
    expect(r.breakEven).toMatch(/^Not within 10 years/);
  });

  it('the largest accepted inputs give finite numbers', () => {
    const r = calculateRoi({ customerCount: 10_000_000, avgRevenue: 10_000_000, churnRatePercent: 100 }, bench('saas'));
    expect(r.monthlyRevenue).toBe(1e14);
    expect(r.monthlyRevenueRetained).toBe(1.5e13);
    expect(r.potentialSavings).toBe(1.5e14 - 5000);
    expect(r.breakEvenPointMonths).toBe(2.1); // 2 months + a fraction of a second, rounded up
    for (const v of Object.values(r)) if (typeof v === 'number') expect(Number.isFinite(v)).toBe(true);
  });

  it('rounds money to cents', () => {
    const r = calculateRoi({ customerCount: 3, avgRevenue: 33.33, churnRatePercent: 7 }, bench('other', { implementationCost: 0 }));
    // 99.99 × 7 % = 6.9993 → 6.9993 × 10 % = 0.69993 → 0.70; × 10 months = 6.9993 → 7.00
    expect(r.monthlyRevenueLostToChurn).toBe(7);
    expect(r.monthlyRevenueRetained).toBe(0.7);
    expect(r.potentialSavings).toBe(7);
  });

  it('no implementation cost and immediate value: breaks even at once', () => {
    const r = calculateRoi(typical, bench('saas', { implementationCost: 0, timeToValueMonths: 0 }));
    expect(r.potentialSavings).toBe(750 * 12);
    expect(r.breakEvenPointMonths).toBe(0);
    expect(r.breakEven).toMatch(/^Immediately/);
  });

  it('value after the first year: no savings in the horizon, only the cost', () => {
    const r = calculateRoi(typical, bench('saas', { timeToValueMonths: 14 }));
    expect(r.potentialSavings).toBe(-5000);
    expect(r.breakEvenPointMonths).toBe(20.7); // 14 + 6.67
  });

  it('refuses inputs outside the bounds instead of returning nonsense', () => {
    const b = bench('saas');
    expect(() => calculateRoi({ ...typical, customerCount: 0 }, b)).toThrow(RangeError);
    expect(() => calculateRoi({ ...typical, customerCount: 1.5 }, b)).toThrow(RangeError);
    expect(() => calculateRoi({ ...typical, customerCount: 10_000_001 }, b)).toThrow(RangeError);
    expect(() => calculateRoi({ ...typical, avgRevenue: 0 }, b)).toThrow(RangeError);
    expect(() => calculateRoi({ ...typical, avgRevenue: Number.NaN }, b)).toThrow(RangeError);
    expect(() => calculateRoi({ ...typical, churnRatePercent: -1 }, b)).toThrow(RangeError);
    expect(() => calculateRoi({ ...typical, churnRatePercent: 100.1 }, b)).toThrow(RangeError);
    expect(() => calculateRoi(typical, { ...b, expectedChurnReductionPercent: Infinity })).toThrow(RangeError);
  });
});
