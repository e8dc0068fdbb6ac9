import { useState } from "react";
import { Link } from "react-router";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { FilterSelect } from "@/components/ui/form";
import { EmptyState, QueryState } from "@/components/ui/states";
import { Table, Td, Th } from "@/components/ui/table";
import { RevokeSessionButton } from "@/features/licenses/components/revoke-session-button";
import { useOrgSessions, type OrgSession, type OrgSessionQuery } from "@/features/sessions/api/get-sessions";
import { formatDateTime, formatRelative } from "@/lib/format";

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

/** Every session of the organization, newest first, a cursor page at a time. */
export function OrgSessions({ org, canRevoke }: { org: string; canRevoke: boolean }) {
  const [status, setStatus] = useState<Status | "">("");
  const sessions = useOrgSessions(org, status ? { status } : {});

  return (
    <Card>
      <div className="border-b border-slate-200 p-4 sm:max-w-xs">
        <FilterSelect label="Status" value={status} onChange={(e) => setStatus(e.target.value as Status | "")}>
          {STATUSES.map((s) => (
            <option key={s.value} value={s.value}>
              {s.label}
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
        {(data) => {
          const rows: OrgSession[] = data.pages.flatMap((p) => p.results);
          return (
            <>
              <Table label="Sessions">
                <thead className="bg-slate-50">
                  <tr>
                    <Th>Hardware id</Th>
                    <Th>License</Th>
                    <Th>Status</Th>
                    <Th>Started</Th>
                    <Th>Ended</Th>
                    {canRevoke && <Th><span className="sr-only">Actions</span></Th>}
                  </tr>
                </thead>
                <tbody className="divide-y divide-slate-100">
                  {rows.map((s) => (
                    <tr key={s.id}>
                      <Td className="font-mono text-xs">{s.hardware_id}</Td>
                      <Td>
                        <Link
                          className="font-mono text-xs text-brand-700 hover:underline"
                          to={`/orgs/${org}/licenses/${s.license}`}
                          title={`License ${s.license}`}
                        >
                          {s.license.slice(0, 8)}
                        </Link>
                      </Td>
                      <Td>
                        <Badge tone={TONE[s.status]}>{STATUSES.find((x) => x.value === s.status)?.label ?? s.status}</Badge>
                      </Td>
                      <Td title={formatDateTime(s.started_at)}>{formatRelative(s.started_at)}</Td>
                      <Td title={s.ended_at ? formatDateTime(s.ended_at) : undefined}>{s.ended_at ? formatRelative(s.ended_at) : "—"}</Td>
                      {canRevoke && (
                        <Td className="text-right">
                          {s.status === "active" && (
                            <RevokeSessionButton org={org} session={s} />
                          )}
                        </Td>
                      )}
                    </tr>
                  ))}
                </tbody>
              </Table>
              <div className="flex items-center justify-between gap-3 p-4 text-sm text-slate-600">
                <span aria-live="polite">
                  {rows.length} session{rows.length === 1 ? "" : "s"} shown
                </span>
                {sessions.hasNextPage && (
                  <Button variant="secondary" pending={sessions.isFetchingNextPage} onClick={() => sessions.fetchNextPage()}>
                    Load older sessions
                  </Button>
                )}
              </div>
            </>
          );
        }}
      </QueryState>
    </Card>
  );
}
