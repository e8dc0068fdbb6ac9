import { Pagination } from "@/components/ui/pagination";
import { EmptyState, QueryState } from "@/components/ui/states";
import { Card, CardHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { useLicenseSessions } from "@/features/licenses/api/get-license-sessions";
import { RevokeSessionButton } from "@/features/licenses/components/revoke-session-button";
import { formatDateTime, formatRelative } from "@/lib/format";
import { useState } from "react";

const PAGE = 50;

/** The license's live sessions, refreshed every 5 seconds; admins may revoke one. */
export function SessionsTable({ org, licenseId, canRevoke }: { org: string; licenseId: string; canRevoke: boolean }) {
  const [page, setPage] = useState(1);
  const sessions = useLicenseSessions(org, licenseId, { status: "active", page, page_size: PAGE });

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
            <Table label="Live sessions">
              <thead className="bg-slate-50">
                <tr>
                  <Th>Hardware id</Th>
                  <Th>Instance</Th>
                  <Th>Started</Th>
                  <Th>Last heartbeat</Th>
                  <Th>Expires</Th>
                  {canRevoke && <Th><span className="sr-only">Actions</span></Th>}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {data.results.map((s) => (
                  <tr key={s.id}>
                    <Td className="font-mono text-xs">{s.hardware_id}</Td>
                    <Td className="font-mono text-xs">{s.client_instance || "—"}</Td>
                    <Td title={formatDateTime(s.started_at)}>{formatRelative(s.started_at)}</Td>
                    <Td title={formatDateTime(s.last_heartbeat_at)}>{formatRelative(s.last_heartbeat_at)}</Td>
                    <Td title={formatDateTime(s.expires_at)}>{formatRelative(s.expires_at)}</Td>
                    {canRevoke && (
                      <Td className="text-right">
                        <RevokeSessionButton org={org} session={s} />
                      </Td>
                    )}
                  </tr>
                ))}
              </tbody>
            </Table>
            <Pagination page={page} count={data.count} pageSize={PAGE} onPage={setPage} />
          </>
        )}
      </QueryState>
    </Card>
  );
}
