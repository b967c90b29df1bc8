CREATE TABLE "events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"type" text NOT NULL,
	"state" text NOT NULL,
	"lead_id" uuid,
	"reason" text,
	"body" jsonb,
	"occurred_at" timestamp with time zone,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "events" ADD CONSTRAINT "events_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "events_lead_id_idx" ON "events" USING btree ("lead_id");--> statement-breakpoint
CREATE INDEX "events_state_idx" ON "events" USING btree ("state","id");--> statement-breakpoint
-- Events stored before the ledger existed: their history rows carry the event's id, so a late redelivery
-- of one is still recognised, and GET /api/v1/events/{id} opens it.
INSERT INTO "events" ("id", "type", "state", "lead_id", "occurred_at", "recorded_at")
SELECT "id",
  CASE "type"
    WHEN 'form_submitted' THEN 'lead.submitted'
    WHEN 'roi_calculated' THEN 'roi.calculated'
    WHEN 'content_downloaded' THEN 'content.downloaded'
    WHEN 'demo_booked' THEN 'demo.booked'
    WHEN 'demo_cancelled' THEN 'demo.cancelled'
    WHEN 'demo_rescheduled' THEN 'demo.rescheduled'
    WHEN 'demo_reminder_sent' THEN 'demo.reminder_due'
  END,
  'stored', "lead_id", "occurred_at", "recorded_at"
FROM "lead_events"
WHERE "type" IN ('form_submitted', 'roi_calculated', 'content_downloaded', 'demo_booked', 'demo_cancelled', 'demo_rescheduled', 'demo_reminder_sent')
ON CONFLICT ("id") DO NOTHING;
--> statement-breakpoint
INSERT INTO "events" ("id", "type", "state", "lead_id", "occurred_at", "recorded_at")
SELECT "id", 'roi.calculated', 'stored', "lead_id", "created_at", "created_at" FROM "calculator_submissions"
ON CONFLICT ("id") DO NOTHING;
