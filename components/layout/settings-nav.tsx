"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";

/** `isAgency`: the org has sub-accounts, so the Sub-accounts page is listed. */
export function SettingsNav({ orgSlug, isAgency = false }: { orgSlug: string; isAgency?: boolean }) {
  const pathname = usePathname();
  const items = [
    { href: `/${orgSlug}/settings/billing`, label: "Billing" },
    { href: `/${orgSlug}/settings/api-keys`, label: "API keys" },
    { href: `/${orgSlug}/settings/developers`, label: "Developers" },
    { href: `/${orgSlug}/settings/campaigns`, label: "Campaigns" },
    ...(isAgency ? [{ href: `/${orgSlug}/settings/sub-accounts`, label: "Sub-accounts" }] : []),
  ];
  return (
    <nav aria-label="Settings" className="flex gap-1 overflow-x-auto">
      {items.map((i) => (
        <Link
          key={i.href}
          href={i.href}
          aria-current={pathname === i.href ? "page" : undefined}
          className="rounded-md px-3 py-1.5 text-sm text-slate-700 hover:bg-slate-100 aria-[current=page]:bg-slate-900 aria-[current=page]:text-white"
        >
          {i.label}
        </Link>
      ))}
    </nav>
  );
}
