import { useEffect, useMemo, useState, type ChangeEvent } from "react";
import { Link } from "react-router";

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

/** Where the dashboard shows each kind of target (the route of its page or its list). */
const TARGETS: Record<string, { label: string; path: (org: string, id: string) => string }> = {
  "licenses.license": { label: "License", path: (org, id) => `/orgs/${org}/licenses/${id}` },
  "licenses.licensesession": { label: "Session", path: (org) => `/orgs/${org}/sessions` },
  "projects.project": { label: "Project", path: (org) => `/orgs/${org}/projects` },
  "users.user": { label: "Person", path: (org) => `/orgs/${org}/members` },
  "tenants.membership": { label: "Member", path: (org) => `/orgs/${org}/members` },
  "tenants.invitation": { label: "Invitation", path: (org) => `/orgs/${org}/members` },
  "tenants.apitoken": { label: "API token", path: (org) => `/orgs/${org}/api-tokens` },
  "tenants.organization": { label: "Organization", path: (org) => `/orgs/${org}/settings` },
};

export function targetLabel(event: AuditEvent): { kind: string; name: string } {
  const kind = TARGETS[event.target_type]?.label ?? event.target_type;
  return { kind, name: event.target_name || event.target_id };
}

function Target({ event, org }: { event: AuditEvent; org: string }) {
  const { kind, name } = targetLabel(event);
  const target = TARGETS[event.target_type];
  return (
    <span className="flex flex-col">
      <span className="text-xs text-slate-500">{kind}</span>
      {event.target_exists && target ? (
        <Link to={target.path(org, event.target_id)} className="font-medium break-all text-brand-700 hover:underline">
          {name}
        </Link>
      ) : (
        <span className="font-medium break-all" title={event.target_exists ? undefined : "No longer exists"}>
          {name}
          {!event.target_exists && <span className="ml-1 text-xs font-normal text-slate-500">(deleted)</span>}
        </span>
      )}
    </span>
  );
}

type Json = unknown;

function show(value: Json): string {
  if (value === undefined) return "—";
  if (typeof value === "string") return value;
  return JSON.stringify(value);
}

/** The fields that differ between before and after, each once: what a reviewer reads. */
export function changedFields(before: Json, after: Json): { field: string; before: Json; after: Json }[] {
  const asObject = (v: Json) => (v && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, Json>) : {});
  const b = asObject(before);
  const a = asObject(after);
  const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort();
  return keys
    .filter((k) => JSON.stringify(b[k]) !== JSON.stringify(a[k]))
    .map((k) => ({ field: k, before: before == null ? undefined : b[k], after: after == null ? undefined : a[k] }));
}

function Change({ event }: { event: AuditEvent }) {
  if (event.before == null && event.after == null) return <span className="text-slate-400">—</span>;
  const rows = changedFields(event.before, event.after);
  return (
    <details>
      <summary className="cursor-pointer text-brand-700">
        {rows.length} field{rows.length === 1 ? "" : "s"}
      </summary>
      <dl className="mt-2 max-w-xs space-y-1 text-xs">
        {rows.map((r) => (
          <div key={r.field} className="break-words">
            <dt className="font-medium text-slate-700">{r.field}</dt>
            <dd>
              <del className="bg-red-50 text-red-800">{show(r.before)}</del>
              <span aria-hidden="true"> → </span>
              <span className="sr-only"> changed to </span>
              <ins className="bg-green-50 text-green-800 no-underline">{show(r.after)}</ins>
            </dd>
          </div>
        ))}
      </dl>
    </details>
  );
}

const col = columnHelper<AuditEvent>();

function auditColumns(org: string) {
  return col.columns([
    col.accessor((e) => timeKey(e.created_at), {
      id: "when",
      header: "When",
      // Stays in view when a wide row scrolls the table sideways.
      meta: { className: "sticky left-0 z-10 bg-white", headerClassName: "sticky left-0 z-10 bg-slate-50" },
      cell: (c) => formatDateTime(c.row.original.created_at),
    }),
    col.accessor(actorLabel, { id: "actor", header: "Actor" }),
    col.accessor("action", { header: "Action", cell: (c) => <code className="font-mono text-xs">{c.getValue()}</code> }),
    col.accessor((e) => targetLabel(e).name, {
      id: "target",
      header: "Target",
      meta: { className: "whitespace-normal min-w-40" },
      cell: (c) => <Target event={c.row.original} org={org} />,
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
}

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
  const columns = useMemo(() => auditColumns(org), [org]);
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
