import { useId, useMemo, useState } from "react";

import { Badge } from "@/components/ui/badge";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { Pagination, PAGE_SIZE } from "@/components/ui/pagination";
import { EmptyState, QueryState } from "@/components/ui/states";
import { Card, CardHeader } from "@/components/ui/card";
import { columnHelper, DataTable, timeKey } from "@/components/ui/data-table";
import { useMembers, type Member } from "@/features/members/api/get-members";
import { useRemoveMember } from "@/features/members/api/remove-member";
import { useUpdateMember } from "@/features/members/api/update-member";
import { ROLE_LABEL } from "@/lib/role-labels";
import { errorMessage } from "@/lib/api-error";
import type { Role } from "@/lib/api-types";
import { assignableRoles, can, ROLES } from "@/lib/authorization";
import { formatDate } from "@/lib/format";
import { toast } from "@/lib/toast";

function RoleSelect({ org, member, actorRole }: { org: string; member: Member; actorRole: Role }) {
  const id = useId();
  const update = useUpdateMember(org);
  const roles = assignableRoles(actorRole);
  return (
    <>
      <label htmlFor={id} className="sr-only">
        Role of {member.name || member.email}
      </label>
      <select
        id={id}
        value={member.role}
        disabled={update.isPending}
        onChange={(e) => {
          const role = e.target.value as Role;
          update.mutate(
            { userId: member.user_id, role },
            {
              onSuccess: () => toast.success("Role changed", `${member.email} is now ${ROLE_LABEL[role].toLowerCase()}.`),
              onError: (err) => toast.error("Could not change the role", errorMessage(err)),
            },
          );
        }}
        className="rounded-md border border-slate-300 bg-white px-2 py-1 text-sm"
      >
        {roles.map((r) => (
          <option key={r} value={r}>
            {ROLE_LABEL[r]}
          </option>
        ))}
      </select>
    </>
  );
}

const col = columnHelper<Member>();

type MemberColumnsOptions = {
  org: string;
  actorRole: Role;
  myUserId: string;
  remove: (m: Member) => Promise<unknown>;
};

function memberColumns({ org, actorRole, myUserId, remove }: MemberColumnsOptions) {
  const manage = can(actorRole, "members.manage");
  // Only an owner may change or remove an owner; nobody changes or removes themselves here.
  const mayEdit = (m: Member) => manage && m.user_id !== myUserId && (m.role !== "owner" || can(actorRole, "owners.manage"));
  const columns = col.columns([
    col.accessor((m) => m.name, {
      id: "name",
      header: "Name",
      meta: { className: "font-medium text-slate-900" },
      cell: (c) => (
        <>
          {c.getValue() || "—"} {c.row.original.user_id === myUserId && <Badge tone="blue">You</Badge>}
        </>
      ),
    }),
    col.accessor("email", { header: "Email" }),
    // By rank, not by name: owners first when sorted high to low.
    col.accessor((m) => ROLES.length - ROLES.indexOf(m.role), {
      id: "role",
      header: "Role",
      cell: (c) => {
        const m = c.row.original;
        return mayEdit(m) ? <RoleSelect org={org} member={m} actorRole={actorRole} /> : ROLE_LABEL[m.role];
      },
    }),
    col.accessor((m) => timeKey(m.joined), { id: "joined", header: "Joined", cell: (c) => formatDate(c.row.original.joined) }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      meta: { className: "text-right" },
      cell: (c) => {
        const m = c.row.original;
        return (
          mayEdit(m) && (
            <ConfirmButton
              trigger={<>Remove <span className="sr-only">{m.email}</span></>}
              triggerVariant="danger"
              title={`Remove ${m.email}?`}
              description="They lose access to this organization at once. API tokens they created keep working until revoked."
              confirmLabel="Remove member"
              onConfirm={() => remove(m)}
            />
          )
        );
      },
    }),
  ]);
  return manage ? columns : columns.filter((c) => c.id !== "actions");
}

/** The organization's members; headers sort the page shown. */
export function MembersTable({ org, actorRole, myUserId }: { org: string; actorRole: Role; myUserId: string }) {
  const [page, setPage] = useState(1);
  const members = useMembers(org, page, PAGE_SIZE);
  const removeMember = useRemoveMember(org).mutateAsync;
  const columns = useMemo(
    () =>
      memberColumns({
        org,
        actorRole,
        myUserId,
        remove: (m) => removeMember(m.user_id).then(() => toast.success("Member removed", m.email)),
      }),
    [org, actorRole, myUserId, removeMember],
  );

  return (
    <Card>
      <CardHeader title="Members" />
      <QueryState query={members} loadingLabel="Loading members" isEmpty={(d) => d.results.length === 0} empty={<EmptyState title="No members" />}>
        {(data) => (
          <>
            <DataTable label="Members" data={data.results} columns={columns} getRowId={(m) => m.user_id} />
            <Pagination page={page} count={data.count} onPage={setPage} />
          </>
        )}
      </QueryState>
    </Card>
  );
}
