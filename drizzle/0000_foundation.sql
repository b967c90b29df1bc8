CREATE TABLE "lead_events" (
	"id" uuid PRIMARY KEY NOT NULL,
	"lead_id" uuid NOT NULL,
	"type" text NOT NULL,
	"source" text,
	"payload" jsonb NOT NULL,
	"occurred_at" timestamp with time zone NOT NULL,
	"recorded_at" timestamp with time zone DEFAULT now() NOT NULL,
	"request_id" text
);
--> statement-breakpoint
CREATE TABLE "leads" (
	"id" uuid PRIMARY KEY NOT NULL,
	"email" text NOT NULL,
	"email_normalized" text NOT NULL,
	"name" text,
	"company" text,
	"company_domain" text,
	"phone" text,
	"status" text DEFAULT 'new' NOT NULL,
	"first_source" text NOT NULL,
	"first_touch" jsonb NOT NULL,
	"last_touch" jsonb NOT NULL,
	"consent" jsonb NOT NULL,
	"last_seen_at" timestamp with time zone NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "calculator_submissions" (
	"id" uuid PRIMARY KEY NOT NULL,
	"lead_id" uuid,
	"industry" text NOT NULL,
	"customer_count" integer NOT NULL,
	"avg_revenue" numeric(14, 2) NOT NULL,
	"churn_rate" numeric(6, 3) NOT NULL,
	"currency" text DEFAULT 'USD' NOT NULL,
	"result" jsonb NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "content_downloads" (
	"id" uuid PRIMARY KEY NOT NULL,
	"lead_id" uuid NOT NULL,
	"asset_slug" text NOT NULL,
	"link_expires_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "lead_events" ADD CONSTRAINT "lead_events_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "calculator_submissions" ADD CONSTRAINT "calculator_submissions_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE set null ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "content_downloads" ADD CONSTRAINT "content_downloads_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "lead_events_lead_id_idx" ON "lead_events" USING btree ("lead_id","occurred_at");--> statement-breakpoint
CREATE UNIQUE INDEX "leads_email_normalized_key" ON "leads" USING btree ("email_normalized");--> statement-breakpoint
CREATE INDEX "leads_first_source_idx" ON "leads" USING btree ("first_source","id");--> statement-breakpoint
CREATE INDEX "leads_created_at_idx" ON "leads" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "calculator_submissions_lead_id_idx" ON "calculator_submissions" USING btree ("lead_id");--> statement-breakpoint
CREATE INDEX "content_downloads_lead_id_idx" ON "content_downloads" USING btree ("lead_id");