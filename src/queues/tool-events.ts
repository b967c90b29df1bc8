import type { ContactCapture } from './event-messages';

/** What the ROI calculator was given (wire names, as the prospect typed them). */
export interface RoiCalculationInput {
  industry: string;
  customer_count: number;
  avg_revenue: number;
  churn_rate: number;
  currency: string;
}

/**
 * One ROI calculation, anonymous or with an email. The id is the calculation id the caller got back
 * and the `calculator_submissions` row's id.
 */
export interface RoiCalculatedEvent {
  id: string;
  type: 'roi.calculated';
  occurred_at: string;
  request_id: string;
  input: RoiCalculationInput;
  /** The answer as the caller received it (results, assumptions, working). */
  result: Record<string, unknown> & { potential_savings: number; retention_uplift_percent: number; break_even_point_months: number | null };
  /** Present when the prospect left an email: the lead is upserted and sales notified. */
  contact?: ContactCapture;
}

/** A gated asset handed out: the id is the `content_downloads` row's id, signed into the link. */
export interface ContentDownloadedEvent {
  id: string;
  type: 'content.downloaded';
  occurred_at: string;
  request_id: string;
  asset_slug: string;
  asset_title: string;
  download_url: string;
  link_expires_at: string;
  contact: ContactCapture;
}
