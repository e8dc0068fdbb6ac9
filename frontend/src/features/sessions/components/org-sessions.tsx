import { useMemo, useState } from "react";
import { Link } from "react-router";

import { RevokeSessionButton } from "@/components/domain/revoke-session-button";
import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { columnHelper, DataTable, timeKey } from "@/components/ui/data-table";
import { FilterSelect } from "@/components/ui/form";
import { EmptyState, QueryState } from "@/components/ui/states";
import { Identifier, RelativeTime } from "@/components/ui/table-cells";
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

function sessionColumns(org: string, canRevoke: boolean) {
  const columns = col.columns([
    col.accessor("hardware_id", { header: "Hardware id", cell: (c) => <Identifier value={c.getValue()} /> }),
    col.accessor("license", {
      header: "License",
      cell: (c) => (
        <Link className="font-mono text-xs text-brand-700 hover:underline" to={`/orgs/${org}/licenses/${c.getValue()}`} title={`License ${c.getValue()}`}>
          {c.getValue().slice(0, 8)}
        </Link>
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

/**
 * Every session of the organization, newest first, a cursor page at a time.
 * The history has no total, so a column header sorts the sessions loaded so
 * far; "Load older sessions" adds the next page into that order.
 */
export function OrgSessions({ org, canRevoke }: { org: string; canRevoke: boolean }) {
  const [status, setStatus] = useState<Status | "">("");
  const sessions = useOrgSessions(org, status ? { status } : {});
  const columns = useMemo(() => sessionColumns(org, canRevoke), [org, canRevoke]);
  const rows = useMemo(() => sessions.data?.pages.flatMap((p) => p.results) ?? [], [sessions.data]);

  return (
    <Card>
      <div className="border-b border-slate-200 p-4">
        <div className="sm:max-w-xs">
          <FilterSelect label="Status" value={status} onChange={(e) => setStatus(e.target.value as Status | "")}>
            {STATUSES.map((s) => (
              <option key={s.value} value={s.value}>
                {s.label}
              </option>
            ))}
          </FilterSelect>
        </div>
      </div>
      <QueryState
        query={sessions}
        loadingLabel="Loading sessions"
        isEmpty={(d) => d.pages[0].results.length === 0}
        empty={<EmptyState title="No sessions" />}
      >
        {() => (
          <>
            <DataTable label="Sessions" data={rows} columns={columns} getRowId={(s) => s.id} />
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
