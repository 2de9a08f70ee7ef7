import { toast } from "sonner";

/**
 * Toasts with text colours that pass WCAG AA on sonner's rich-colour backgrounds (its default red and
 * green text are slightly too light for axe's contrast rule).
 */
export const notify = {
  success: (message: string) => toast.success(message, { style: { color: "#065f46" } }),
  error: (message: string) => toast.error(message, { style: { color: "#991b1b" } }),
  warning: (message: string) => toast.warning(message, { style: { color: "#92400e" } }),
  message: (message: string) => toast.message(message),
};
