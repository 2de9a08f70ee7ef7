/** Skeleton of the Billing page while its server component reads. */
export default function BillingLoading() {
  const block = "animate-pulse rounded-xl border border-slate-200 bg-white";
  return (
    <div className="space-y-6" aria-busy="true" aria-label="Loading billing">
      <div className="h-8 w-40 animate-pulse rounded bg-slate-200" />
      <div className={`${block} h-40`} />
      <div className="grid gap-6 lg:grid-cols-2">
        <div className={`${block} h-36`} />
        <div className={`${block} h-36`} />
      </div>
      <div className={`${block} h-72`} />
      <p className="sr-only" role="status">
        Loading billing…
      </p>
    </div>
  );
}
