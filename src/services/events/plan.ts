import type { Lead } from '../../db/schema';
import type { ContactFact } from '../../domain/contact';
import type { DemoBooking } from '../../domain/demo-booking';
import type { DeliveryRequest } from '../../fanout/types';

/**
 * What one event writes, declared rather than done: the batch writer (write-events.ts) merges the
 * plans of a whole queue batch and writes each table once, whatever the batch size.
 */
export interface EventPlan {
  /** The person the event is about, as captured, and when: merged into their lead with the batch. */
  contact?: ContactFact;
  /** The lead's business domain, when the event tells it (the ROI calculator's industry): fills an empty one. */
  businessDomain?: string;
  /** The lead's history entry (its id is the event's). */
  history?: { type: string; source: string | null; payload: Record<string, unknown> };
  /** A `calculator_submissions` row (its id is the event's). */
  calculation?: {
    industry: string;
    customerCount: number;
    avgRevenue: string;
    churnRate: string;
    currency: string;
    result: Record<string, unknown>;
    createdAt: Date;
  };
  /** A `content_downloads` row (its id is the event's). */
  download?: { assetSlug: string; linkExpiresAt: Date; createdAt: Date };
  /** The `demo_bookings` mirror of the Scheduler's booking (the highest SEQUENCE wins). */
  booking?: { booking: DemoBooking; changedAt: string };
  /**
   * A move of the lead through the pipeline the event stands for (the chatbot handing a conversation to a
   * consultant: new → contacted), asked of the state machine like any other; only a lead still `new` is moved.
   */
  advance?: { to: 'contacted'; actor: string };
  /** What to deliver because of it, given the lead as the batch left it. */
  deliveries(lead: Lead | null): DeliveryRequest[];
}
