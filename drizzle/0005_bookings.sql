CREATE TABLE "demo_bookings" (
	"id" uuid PRIMARY KEY NOT NULL,
	"lead_id" uuid,
	"host_id" text NOT NULL,
	"starts_at" timestamp with time zone NOT NULL,
	"ends_at" timestamp with time zone NOT NULL,
	"status" text NOT NULL,
	"sequence" integer NOT NULL,
	"visitor_time_zone" text NOT NULL,
	"notes" text,
	"booked_at" timestamp with time zone NOT NULL,
	"cancelled_at" timestamp with time zone,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "demo_bookings" ADD CONSTRAINT "demo_bookings_lead_id_leads_id_fk" FOREIGN KEY ("lead_id") REFERENCES "public"."leads"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "demo_bookings_starts_at_idx" ON "demo_bookings" USING btree ("starts_at");--> statement-breakpoint
CREATE INDEX "demo_bookings_lead_id_idx" ON "demo_bookings" USING btree ("lead_id");--> statement-breakpoint
CREATE INDEX "demo_bookings_host_id_idx" ON "demo_bookings" USING btree ("host_id","starts_at");