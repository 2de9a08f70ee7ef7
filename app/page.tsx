import { redirect } from "next/navigation";
import { getDb } from "@/db/client";
import { listUserOrgs } from "@/lib/auth/membership";
import { currentUserId } from "@/lib/auth/session";

/** Home: the first org's Billing page, or sign-in. */
export default async function Home() {
  const userId = await currentUserId();
  if (!userId) redirect("/sign-in");
  const [first] = await listUserOrgs(getDb(), userId);
  if (!first) redirect("/sign-in");
  redirect(`/${first.slug}/settings/billing`);
}
