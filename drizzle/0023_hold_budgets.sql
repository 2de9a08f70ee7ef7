-- Budgets per API key cover holds (#14.3): a hold created through a key with a budget names it; its capture
-- counts against that budget, and new holds are refused when the budget cannot cover them.
ALTER TABLE "credit_holds" ADD COLUMN "budget_key_id" uuid;
