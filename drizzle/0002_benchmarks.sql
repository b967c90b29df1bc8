CREATE TABLE "industry_benchmarks" (
	"industry" text PRIMARY KEY NOT NULL,
	"expected_churn_reduction_percent" numeric(5, 2) NOT NULL,
	"implementation_cost" numeric(14, 2) NOT NULL,
	"time_to_value_months" integer NOT NULL,
	"source" text,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
