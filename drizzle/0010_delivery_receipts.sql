-- Delivery receipts: what Twilio and SendGrid report after accepting a delivery (receipt_* on
-- deliveries, found by the provider's reference), the numbers that must get no more SMS (Twilio 21610,
-- kept as SHA-256), and the SendGrid events already applied (a redelivered batch changes nothing).
CREATE TABLE "sendgrid_events" (
	"workspace_id" uuid DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid NOT NULL,
	"sg_event_id" text NOT NULL,
	"event" text NOT NULL,
	"message_id" text,
	"received_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sendgrid_events_workspace_id_sg_event_id_pk" PRIMARY KEY("workspace_id","sg_event_id")
);
--> statement-breakpoint
CREATE TABLE "sms_stop_list" (
	"workspace_id" uuid DEFAULT nullif(current_setting('app.workspace_id', true), '')::uuid NOT NULL,
	"number_hash" text NOT NULL,
	"reason" text NOT NULL,
	"delivery_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sms_stop_list_workspace_id_number_hash_pk" PRIMARY KEY("workspace_id","number_hash")
);
--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "receipt_status" text;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "receipt_at" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "receipt_detail" text;--> statement-breakpoint
ALTER TABLE "sendgrid_events" ADD CONSTRAINT "sendgrid_events_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "sms_stop_list" ADD CONSTRAINT "sms_stop_list_workspace_id_workspaces_id_fk" FOREIGN KEY ("workspace_id") REFERENCES "public"."workspaces"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "deliveries_destination_reference_idx" ON "deliveries" USING btree ("destination","provider_reference") WHERE provider_reference IS NOT NULL;

--> statement-breakpoint
DO $$
DECLARE t text;
BEGIN
  FOREACH t IN ARRAY ARRAY['sms_stop_list', 'sendgrid_events'] LOOP
    EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
    EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
    EXECUTE format('CREATE POLICY workspace_isolation ON %I USING ("workspace_id" = nullif(current_setting(''app.workspace_id'', true), '''')::uuid) WITH CHECK ("workspace_id" = nullif(current_setting(''app.workspace_id'', true), '''')::uuid)', t);
  END LOOP;
END $$;
--> statement-breakpoint
GRANT SELECT, INSERT, UPDATE, DELETE ON "sms_stop_list", "sendgrid_events" TO leadgate_app;
