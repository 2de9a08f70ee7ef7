import { z } from "zod";
import { buyPacksSchema } from "@/lib/billing/auto-recharge-schema";

/** Buy Credits / Top Up Now take a number of packs; it is validated as `{ packs }` (field errors keyed `packs`). */
export const packsInput = z.preprocess((packs) => ({ packs }), buyPacksSchema);
export const INVALID_PACKS = { code: "validation_error", message: "Choose between 1 and 100 packs." };
