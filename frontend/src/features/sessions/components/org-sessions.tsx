import { useMemo, useState, type ChangeEvent } from "react";
import { Link } from "react-router";

import { RevokeSessionButton } from "@/components/domain/revoke-session-button";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { columnHelper, DataTable, timeKey } from "@/components/ui/data-table";
import { FilterSelect } from "@/components/ui/form";
import { EmptyState, QueryState } from "@/components/ui/states";
import { RelativeTime } from "@/components/ui/table-cells";
import { useLicenseChoices, usePeopleChoices, useProjectChoices } from "@/features/sessions/api/get-filter-options";
import { useOrgSessions, type OrgSession, type OrgSessionQuery } from "@/features/sessions/api/get-sessions";

type Status = NonNullable<OrgSessionQuery["status"]>;
const STATUSES: { value: Status | ""; label: string }[] = [
  { value: "", label: "Any status" },
  { value: "active", label: "Live" },
  { value: "released", label: "Released" },
  { value: "expired", label: "Expired" },
  { value: "zombie", label: "Evicted (zombie)" },
  { value: "revoked", label: "Revoked" },
];
const TONE = { active: "green", released: "slate", expired: "amber", zombie: "amber", revoked: "red" } as const;
const statusLabel = (status: Status) => STATUSES.find((x) => x.value === status)?.label ?? status;

const col = columnHelper<OrgSession>();

function PersonCell({ org, session }: { org: string; session: OrgSession }) {
  const person = session.person;
  if (!person) return <span className="text-slate-500">Machine (license key)</span>;
  const initial = (person.name || person.email).slice(0, 1).toUpperCase();
  return (
    <Link to={`/orgs/${org}/people/${person.id}`} className="flex items-center gap-2 hover:underline">
      <span aria-hidden="true" className="flex h-6 w-6 items-center justify-center rounded-full bg-brand-100 text-xs font-semibold text-brand-800">
        {initial}
      </span>
      <span>
        <span className="block text-slate-900">{person.name || person.email}</span>
        {person.name && <span className="block text-xs text-slate-500">{person.email}</span>}
      </span>
    </Link>
  );
}

/** The machine in words, as its client described itself, and where it called from. */
function MachineCell({ session }: { session: OrgSession }) {
  const info = (session.client_info ?? {}) as Record<string, unknown>;
  const words = [info.platform, info.version && `client ${String(info.version)}`, session.ip_address].filter(Boolean);
  return (
    <span title={`Hardware id ${session.hardware_id}`}>
      <span className="block text-slate-900">{String(info.hostname || session.hardware_id.slice(0, 12))}</span>
      <span className="block text-xs text-slate-500">{words.map(String).join(" · ")}</span>
    </span>
  );
}

function sessionColumns(org: string, canRevoke: boolean) {
  const columns = col.columns([
    col.accessor((s) => s.person?.name || s.person?.email || "", {
      id: "person",
      header: "Person",
      cell: (c) => <PersonCell org={org} session={c.row.original} />,
    }),
    col.accessor((s) => String((s.client_info as Record<string, unknown> | null)?.hostname ?? s.hardware_id), {
      id: "machine",
      header: "Machine",
      cell: (c) => <MachineCell session={c.row.original} />,
    }),
    col.accessor("license_name", {
      header: "License",
      cell: (c) => (
        <span>
          <Link className="text-brand-700 hover:underline" to={`/orgs/${org}/licenses/${c.row.original.license}`}>
            {c.getValue()}
          </Link>
          {c.row.original.group_name && (
            <span className="block text-xs text-slate-500">Seat of group {c.row.original.group_name}</span>
          )}
        </span>
      ),
    }),
    col.accessor((s) => statusLabel(s.status), {
      id: "status",
      header: "Status",
      cell: (c) => {
        const session = c.row.original;
        if (session.borrowed_until && session.status === "revoked") {
          // A borrowed token was handed out for offline use: revoking cannot recall it.
          return (
            <Badge tone={TONE.revoked}>
              Revoked, token valid until {new Date(session.borrowed_until).toLocaleString()}
            </Badge>
          );
        }
        return (
          <Badge tone={TONE[session.status]}>
            {c.getValue()}
            {session.borrowed_until ? " (borrowed)" : ""}
          </Badge>
        );
      },
    }),
    col.accessor((s) => timeKey(s.started_at), {
      id: "started",
      header: "Started",
      cell: (c) => <RelativeTime value={c.row.original.started_at} />,
    }),
    col.accessor((s) => timeKey(s.last_heartbeat_at), {
      id: "heartbeat",
      header: "Last heartbeat",
      cell: (c) => <RelativeTime value={c.row.original.last_heartbeat_at} />,
    }),
    col.accessor((s) => timeKey(s.ended_at), {
      id: "ended",
      header: "Ended",
      sortUndefined: "last",
      cell: (c) => <RelativeTime value={c.row.original.ended_at} />,
    }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      meta: { className: "text-right" },
      cell: (c) => c.row.original.status === "active" && <RevokeSessionButton org={org} session={c.row.original} />,
    }),
  ]);
  return canRevoke ? columns : columns.filter((c) => c.id !== "actions");
}

type Filters = Pick<OrgSessionQuery, "status" | "user" | "license" | "project">;

/**
 * Every session of the organization, newest first, a cursor page at a time,
 * filtered by status, person, license and project (``fixed`` pins some: a
 * person's page). The history has no total, so a column header sorts the
 * sessions loaded so far; "Load older sessions" adds the next page into that order.
 */
export function OrgSessions({
  org,
  canRevoke,
  fixed = {},
  label = "Sessions",
}: {
  org: string;
  canRevoke: boolean;
  fixed?: Filters;
  label?: string;
}) {
  const [filters, setFilters] = useState<Filters>({});
  const query = useMemo(() => {
    const all: Filters = { ...filters, ...fixed };
    return Object.fromEntries(Object.entries(all).filter(([, v]) => v)) as OrgSessionQuery;
  }, [filters, fixed]);
  const sessions = useOrgSessions(org, query);
  const people = usePeopleChoices(org);
  const licenses = useLicenseChoices(org);
  const projects = useProjectChoices(org);
  const columns = useMemo(() => sessionColumns(org, canRevoke), [org, canRevoke]);
  const rows = useMemo(() => sessions.data?.pages.flatMap((p) => p.results) ?? [], [sessions.data]);
  const set = (name: keyof Filters) => (e: ChangeEvent<HTMLSelectElement>) => setFilters((f) => ({ ...f, [name]: e.target.value }));

  return (
    <Card>
      <div className="grid gap-3 border-b border-slate-200 p-4 sm:grid-cols-4">
        <FilterSelect label="Status" value={filters.status ?? ""} onChange={set("status")}>
          {STATUSES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
            </option>
          ))}
        </FilterSelect>
        {!fixed.user && (
          <FilterSelect label="Person" value={filters.user ?? ""} onChange={set("user")}>
            <option value="">Anyone</option>
            {people.data?.results.map((m) => (
              <option key={m.user_id} value={m.user_id}>
                {m.name || m.email}
              </option>
            ))}
          </FilterSelect>
        )}
        <FilterSelect label="License" value={filters.license ?? ""} onChange={set("license")}>
          <option value="">Any license</option>
          {licenses.data?.results.map((l) => (
            <option key={l.id} value={l.id}>
              {l.name}
            </option>
          ))}
        </FilterSelect>
        <FilterSelect label="Project" value={filters.project ?? ""} onChange={set("project")}>
          <option value="">Any project</option>
          {projects.data?.results.map((p) => (
            <option key={p.id} value={p.id}>
              {p.name}
            </option>
          ))}
        </FilterSelect>
      </div>
      <QueryState
        query={sessions}
        loadingLabel="Loading sessions"
        isEmpty={(d) => d.pages[0].results.length === 0}
        empty={<EmptyState title="No sessions" />}
      >
        {() => (
          <>
            <DataTable label={label} data={rows} columns={columns} getRowId={(s) => s.id} />
            <div className="flex flex-wrap items-center justify-between gap-3 p-4 text-sm text-slate-600">
              <p>
                <span aria-live="polite">
                  {rows.length} session{rows.length === 1 ? "" : "s"} shown
                </span>
                <span className="block text-xs text-slate-500">Sorting a column orders the sessions loaded so far.</span>
              </p>
              {sessions.hasNextPage && (
                <Button variant="secondary" pending={sessions.isFetchingNextPage} onClick={() => sessions.fetchNextPage()}>
                  Load older sessions
                </Button>
              )}
            </div>
          </>
        )}
      </QueryState>
    </Card>
  );
}
