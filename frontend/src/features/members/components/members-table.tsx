import { useId, useState } from "react";

import { Badge } from "@/components/ui/badge";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { Pagination, PAGE_SIZE } from "@/components/ui/pagination";
import { EmptyState, QueryState } from "@/components/ui/states";
import { Card, CardHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { useMembers, type Member } from "@/features/members/api/get-members";
import { useRemoveMember } from "@/features/members/api/remove-member";
import { useUpdateMember } from "@/features/members/api/update-member";
import { ROLE_LABEL } from "@/features/members/components/role-label";
import { errorMessage } from "@/lib/api-error";
import type { Role } from "@/lib/api-types";
import { assignableRoles, can } from "@/lib/authorization";
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

export function MembersTable({ org, actorRole, myUserId }: { org: string; actorRole: Role; myUserId: string }) {
  const [page, setPage] = useState(1);
  const members = useMembers(org, page, PAGE_SIZE);
  const remove = useRemoveMember(org);
  const manage = can(actorRole, "members.manage");
  // Only an owner may change or remove an owner.
  const mayEdit = (m: Member) => manage && (m.role !== "owner" || can(actorRole, "owners.manage"));

  return (
    <Card>
      <CardHeader title="Members" />
      <QueryState query={members} loadingLabel="Loading members" isEmpty={(d) => d.results.length === 0} empty={<EmptyState title="No members" />}>
        {(data) => (
          <>
            <Table label="Members">
              <thead className="bg-slate-50">
                <tr>
                  <Th>Name</Th>
                  <Th>Email</Th>
                  <Th>Role</Th>
                  <Th>Joined</Th>
                  {manage && <Th><span className="sr-only">Actions</span></Th>}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {data.results.map((m) => (
                  <tr key={m.user_id}>
                    <Td className="font-medium text-slate-900">
                      {m.name || "—"} {m.user_id === myUserId && <Badge tone="blue">You</Badge>}
                    </Td>
                    <Td>{m.email}</Td>
                    <Td>
                      {mayEdit(m) && m.user_id !== myUserId ? (
                        <RoleSelect org={org} member={m} actorRole={actorRole} />
                      ) : (
                        ROLE_LABEL[m.role]
                      )}
                    </Td>
                    <Td>{formatDate(m.joined)}</Td>
                    {manage && (
                      <Td className="text-right">
                        {mayEdit(m) && m.user_id !== myUserId && (
                          <ConfirmButton
                            trigger={<>Remove <span className="sr-only">{m.email}</span></>}
                            triggerVariant="danger"
                            title={`Remove ${m.email}?`}
                            description="They lose access to this organization at once. API tokens they created keep working until revoked."
                            confirmLabel="Remove member"
                            onConfirm={() => remove.mutateAsync(m.user_id).then(() => toast.success("Member removed", m.email))}
                          />
                        )}
                      </Td>
                    )}
                  </tr>
                ))}
              </tbody>
            </Table>
            <Pagination page={page} count={data.count} onPage={setPage} />
          </>
        )}
      </QueryState>
    </Card>
  );
}
