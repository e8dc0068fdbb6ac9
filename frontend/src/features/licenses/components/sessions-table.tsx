import { useMemo, useState } from "react";

import { RevokeSessionButton } from "@/components/domain/revoke-session-button";
import { Card, CardHeader } from "@/components/ui/card";
import { columnHelper, DataTable, timeKey } from "@/components/ui/data-table";
import { Pagination } from "@/components/ui/pagination";
import { EmptyState, QueryState } from "@/components/ui/states";
import { Identifier, RelativeTime } from "@/components/ui/table-cells";
import { useLicenseSessions, type LicenseSession } from "@/features/licenses/api/get-license-sessions";

const PAGE = 50;

const col = columnHelper<LicenseSession>();

function sessionColumns(org: string, canRevoke: boolean) {
  const columns = col.columns([
    col.accessor("hardware_id", { header: "Hardware id", cell: (c) => <Identifier value={c.getValue()} /> }),
    col.accessor("client_instance", { header: "Instance", cell: (c) => (c.getValue() ? <Identifier value={c.getValue()} /> : "—") }),
    col.accessor((s) => timeKey(s.started_at), { id: "started", header: "Started", cell: (c) => <RelativeTime value={c.row.original.started_at} /> }),
    col.accessor((s) => timeKey(s.last_heartbeat_at), {
      id: "heartbeat",
      header: "Last heartbeat",
      cell: (c) => <RelativeTime value={c.row.original.last_heartbeat_at} />,
    }),
    col.accessor((s) => timeKey(s.expires_at), {
      id: "expires",
      header: "Expires",
      cell: (c) =>
        c.row.original.borrowed_until ? (
          <span>
            Borrowed until <RelativeTime value={c.row.original.borrowed_until} />
          </span>
        ) : (
          <RelativeTime value={c.row.original.expires_at} />
        ),
    }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      meta: { className: "text-right" },
      cell: (c) => <RevokeSessionButton org={org} session={c.row.original} />,
    }),
  ]);
  return canRevoke ? columns : columns.filter((c) => c.id !== "actions");
}

/** The license's live sessions, refreshed every 5 seconds; admins may revoke one. Headers sort the page shown. */
export function SessionsTable({ org, licenseId, canRevoke }: { org: string; licenseId: string; canRevoke: boolean }) {
  const [page, setPage] = useState(1);
  const sessions = useLicenseSessions(org, licenseId, { status: "active", page, page_size: PAGE });
  const columns = useMemo(() => sessionColumns(org, canRevoke), [org, canRevoke]);

  return (
    <Card>
      <CardHeader
        title="Live sessions"
        description={
          <span aria-live="polite">
            {sessions.data ? `${sessions.data.count} running client${sessions.data.count === 1 ? "" : "s"}` : " "}
            {sessions.isFetching && !sessions.isPending ? " · refreshing" : ""}
          </span>
        }
      />
      <QueryState
        query={sessions}
        loadingLabel="Loading sessions"
        isEmpty={(d) => d.results.length === 0}
        empty={<EmptyState title="No client holds a seat right now" />}
      >
        {(data) => (
          <>
            <DataTable label="Live sessions" data={data.results} columns={columns} getRowId={(s) => s.id} />
            <Pagination page={page} count={data.count} pageSize={PAGE} onPage={setPage} />
          </>
        )}
      </QueryState>
    </Card>
  );
}
