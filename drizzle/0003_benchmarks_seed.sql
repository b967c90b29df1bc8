-- ROI calculator benchmarks: sensible starting values per industry, meant to be replaced by marketing's
-- own figures through PUT /api/v1/benchmarks/{industry}.
--   expected_churn_reduction_percent: share of monthly churn a customer-retention programme typically
--     prevents (published retention case studies cluster between 5 % and 20 %; regulated and
--     long-contract industries sit at the low end).
--   implementation_cost: one-off roll-out cost (set-up, integration, training), in the prospect's currency.
--   time_to_value_months: months before any saving, longer where integration or compliance review is heavy.
-- The bounds are the API's bounds too; the database refuses anything else.
ALTER TABLE "industry_benchmarks" ADD CONSTRAINT "industry_benchmarks_reduction_range" CHECK ("expected_churn_reduction_percent" >= 0 AND "expected_churn_reduction_percent" <= 100);--> statement-breakpoint
ALTER TABLE "industry_benchmarks" ADD CONSTRAINT "industry_benchmarks_cost_range" CHECK ("implementation_cost" >= 0 AND "implementation_cost" <= 100000000);--> statement-breakpoint
ALTER TABLE "industry_benchmarks" ADD CONSTRAINT "industry_benchmarks_ttv_range" CHECK ("time_to_value_months" >= 0 AND "time_to_value_months" <= 24);--> statement-breakpoint
INSERT INTO "industry_benchmarks" ("industry", "expected_churn_reduction_percent", "implementation_cost", "time_to_value_months", "source") VALUES
  ('saas', 15, 5000, 2, 'Default: subscription software, short integration, engaged product data.'),
  ('ecommerce', 10, 3000, 1, 'Default: plug-in integration, fast value, lower switching costs limit the gain.'),
  ('fintech', 12, 15000, 3, 'Default: security and compliance review lengthen roll-out.'),
  ('healthcare', 8, 20000, 4, 'Default: regulated data (HIPAA/GDPR) and long procurement.'),
  ('education', 10, 4000, 2, 'Default: seasonal churn, modest integration.'),
  ('manufacturing', 7, 12000, 4, 'Default: long contracts, ERP integration.'),
  ('professional_services', 12, 6000, 2, 'Default: relationship-driven retention, CRM integration.'),
  ('other', 10, 5000, 2, 'Default: middle of the published range.')
ON CONFLICT ("industry") DO NOTHING;
