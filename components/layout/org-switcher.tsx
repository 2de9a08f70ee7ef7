import Link from "next/link";

/** Lists the user's orgs; the current one is marked. A native <details> menu: keyboard and screen-reader friendly. */
export function OrgSwitcher({ current, orgs }: { current: { slug: string; name: string }; orgs: { slug: string; name: string; role: string }[] }) {
  if (orgs.length <= 1) return <span className="text-sm font-medium text-slate-800">{current.name}</span>;
  return (
    <details className="relative">
      <summary className="cursor-pointer list-none rounded-md px-2 py-1 text-sm font-medium text-slate-800 hover:bg-slate-100">
        {current.name} <span aria-hidden>▾</span>
        <span className="sr-only">Switch organization</span>
      </summary>
      <ul className="absolute left-0 z-20 mt-1 w-56 rounded-md border border-slate-200 bg-white py-1 shadow-lg">
        {orgs.map((o) => (
          <li key={o.slug}>
            <Link
              href={`/${o.slug}/settings/billing`}
              aria-current={o.slug === current.slug ? "page" : undefined}
              className="flex items-center justify-between px-3 py-2 text-sm hover:bg-slate-50 aria-[current=page]:font-semibold"
            >
              {o.name}
              <span className="text-xs text-slate-500">{o.role}</span>
            </Link>
          </li>
        ))}
      </ul>
    </details>
  );
}
