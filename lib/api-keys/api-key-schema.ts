import { z } from "zod";
import { API_KEY_SCOPES } from "@/db/schema/api-keys";
import { isPlainText } from "@/lib/validation/safe-text";

/** Shared by the create form (react-hook-form resolver) and the server action. */
export const createApiKeySchema = z.object({
  name: z
    .string()
    .trim()
    .min(1, "Give the key a name.")
    .max(80, "At most 80 characters.")
    .refine(isPlainText, "Use letters, digits, spaces and punctuation only."),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1, "Choose at least one scope."),
});
export type CreateApiKeyInput = z.infer<typeof createApiKeySchema>;
