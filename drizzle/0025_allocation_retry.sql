-- An agency owner's "Retry now" after a declined month (#15) starts a new attempt for the same period: at most one
-- attempt per credit key (`allocation:<sub-account>:<YYYY-MM>`) may be open at a time, whatever the UI or a race does.
-- (Succeeded is excluded on purpose: a late success of an older attempt must still settle; the retry refuses a paid
-- period under the period row's lock.)
CREATE UNIQUE INDEX IF NOT EXISTS "recharge_attempts_one_open_credit_key_uq" ON "recharge_attempts" ("credit_key")
  WHERE "credit_key" IS NOT NULL AND "status" IN ('pending', 'processing', 'requires_action');
