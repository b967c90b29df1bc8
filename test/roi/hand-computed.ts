import type { Industry } from '../../src/domain/roi';

/**
 * 1,000 customers × 100 a month × 5 % churn: 100,000 monthly revenue, 5,000 lost to churn each month.
 * retained = 5,000 × reduction; savings = retained × (12 − ttv) − cost; break-even = ttv + cost / retained.
 */
export const HAND_COMPUTED: Array<[Industry, { retained: number; uplift: number; savings: number; breakEven: number }]> = [
  ['saas', { retained: 750, uplift: 0.75, savings: 750 * 10 - 5000, breakEven: 8.7 }], // 2 + 6.67
  ['ecommerce', { retained: 500, uplift: 0.5, savings: 500 * 11 - 3000, breakEven: 7 }], // 1 + 6
  ['fintech', { retained: 600, uplift: 0.6, savings: 600 * 9 - 15000, breakEven: 28 }], // 3 + 25
  ['healthcare', { retained: 400, uplift: 0.4, savings: 400 * 8 - 20000, breakEven: 54 }], // 4 + 50
  ['education', { retained: 500, uplift: 0.5, savings: 500 * 10 - 4000, breakEven: 10 }], // 2 + 8
  ['manufacturing', { retained: 350, uplift: 0.35, savings: 350 * 8 - 12000, breakEven: 38.3 }], // 4 + 34.29
  ['professional_services', { retained: 600, uplift: 0.6, savings: 0, breakEven: 12 }], // 2 + 10
  ['other', { retained: 500, uplift: 0.5, savings: 0, breakEven: 12 }], // 2 + 10
];
