-- Credits an agency buys for a sub-account (the monthly auto allocation, #15) are their own kind of ledger entry in
-- the sub-account's ledger, not a "Top up" the sub-account never made.
ALTER TYPE "public"."ledger_entry_kind" ADD VALUE IF NOT EXISTS 'allocation';
