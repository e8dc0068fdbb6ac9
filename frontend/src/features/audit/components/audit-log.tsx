import { useEffect, useState, type ChangeEvent } from "react";

import { Button } from "@/components/ui/button";
import { FilterInput, FilterSelect } from "@/components/ui/form";
import { Pagination, PAGE_SIZE } from "@/components/ui/pagination";
import { EmptyState, QueryState } from "@/components/ui/states";
import { Card } from "@/components/ui/card";
import { columnHelper, DataTable, timeKey } from "@/components/ui/data-table";
import { useActorChoices } from "@/features/audit/api/get-actor-choices";
import { useAuditEvents, type AuditEvent, type AuditQuery } from "@/features/audit/api/get-audit-events";
import { formatDateTime, fromLocalInput } from "@/lib/format";
import { useSearchState } from "@/lib/use-search-state";

const FILTERS = ["action", "actor", "target_type", "since", "until"] as const;

function actorLabel(event: AuditEvent): string {
  if (event.actor) return event.actor.email;
  if (event.actor_token) return `API token “${event.actor_token.name}”`;
  return "System";
}

function Change({ event }: { event: AuditEvent }) {
  if (event.before == null && event.after == null) return <span className="text-slate-400">—</span>;
  return (
    <details>
      <summary className="cursor-pointer text-brand-700">Show change</summary>
      <div className="mt-2 grid gap-2 sm:grid-cols-2">
        <div>
          <p className="text-xs font-medium text-slate-500">Before</p>
          <pre className="max-w-md overflow-auto rounded bg-slate-50 p-2 text-xs">{JSON.stringify(event.before, null, 2)}</pre>
        </div>
        <div>
          <p className="text-xs font-medium text-slate-500">After</p>
          <pre className="max-w-md overflow-auto rounded bg-slate-50 p-2 text-xs">{JSON.stringify(event.after, null, 2)}</pre>
        </div>
      </div>
    </details>
  );
}

const col = columnHelper<AuditEvent>();

const columns = col.columns([
  col.accessor((e) => timeKey(e.created_at), { id: "when", header: "When", cell: (c) => formatDateTime(c.row.original.created_at) }),
  col.accessor(actorLabel, { id: "actor", header: "Actor" }),
  col.accessor("action", { header: "Action", cell: (c) => <code className="font-mono text-xs">{c.getValue()}</code> }),
  col.accessor((e) => `${e.target_type} ${e.target_id}`, {
    id: "target",
    header: "Target",
    cell: (c) => (
      <>
        {c.row.original.target_type} <span className="font-mono text-xs text-slate-500">{c.row.original.target_id}</span>
      </>
    ),
  }),
  col.accessor((e) => e.ip_address ?? undefined, {
    id: "ip",
    header: "From",
    sortUndefined: "last",
    meta: { className: "font-mono text-xs" },
    cell: (c) => c.getValue() ?? "—",
  }),
  col.display({ id: "change", header: "Change", meta: { className: "whitespace-normal" }, cell: (c) => <Change event={c.row.original} /> }),
]);

/** Who changed what: filters in the URL, applied as you type (debounced); headers sort the page shown. */
export function AuditLog({ org }: { org: string }) {
  const { values, page, set } = useSearchState(FILTERS);
  const [draft, setDraft] = useState(values);
  const draftKey = JSON.stringify(draft);
  const valuesKey = JSON.stringify(values);

  useEffect(() => {
    if (draftKey === valuesKey) return;
    const timer = setTimeout(() => set(JSON.parse(draftKey) as typeof values), 300);
    return () => clearTimeout(timer);
  }, [draftKey, valuesKey, set]);

  const query: AuditQuery = {
    page,
    page_size: PAGE_SIZE,
    ...(values.action && { action: values.action }),
    ...(values.actor && { actor: values.actor }),
    ...(values.target_type && { target_type: values.target_type }),
    ...(values.since && { since: fromLocalInput(values.since) ?? undefined }),
    ...(values.until && { until: fromLocalInput(values.until) ?? undefined }),
  };
  const events = useAuditEvents(org, query);
  const actors = useActorChoices(org);
  const filtered = FILTERS.some((f) => values[f]);
  const field = (name: (typeof FILTERS)[number]) => ({
    value: draft[name],
    onChange: (e: ChangeEvent<HTMLInputElement>) => setDraft((d) => ({ ...d, [name]: e.target.value })),
  });

  return (
    <Card>
      <div className="grid gap-3 border-b border-slate-200 p-4 sm:grid-cols-2 lg:grid-cols-6" role="search" aria-label="Filter the audit log">
        <FilterInput label="Action" placeholder="license.suspend" {...field("action")} />
        <FilterSelect
          label="Actor"
          value={draft.actor}
          onChange={(e) => setDraft((d) => ({ ...d, actor: e.target.value }))}
        >
          <option value="">Anyone</option>
          {actors.data?.results.map((m) => (
            <option key={m.user_id} value={m.user_id}>
              {m.name ? `${m.name} (${m.email})` : m.email}
            </option>
          ))}
        </FilterSelect>
        <FilterInput label="Target type" placeholder="license" {...field("target_type")} />
        <FilterInput label="From" type="datetime-local" {...field("since")} />
        <FilterInput label="To" type="datetime-local" {...field("until")} />
        <div className="flex items-end">
          <Button variant="ghost" disabled={!filtered} onClick={() => setDraft({ action: "", actor: "", target_type: "", since: "", until: "" })}>
            Clear filters
          </Button>
        </div>
      </div>
      <QueryState
        query={events}
        loadingLabel="Loading the audit log"
        isEmpty={(d) => d.results.length === 0}
        empty={<EmptyState title={filtered ? "No event matches these filters" : "Nothing recorded yet"} />}
      >
        {(data) => (
          <>
            <DataTable label="Audit events" data={data.results} columns={columns} getRowId={(e) => String(e.id)} rowClassName="align-top" />
            <Pagination page={page} count={data.count} onPage={(n) => set({ page: n })} />
          </>
        )}
      </QueryState>
    </Card>
  );
}
