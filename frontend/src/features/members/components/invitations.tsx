import { useMemo } from "react";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { Dialog, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { fieldErrors, Form, SelectField, TextField } from "@/components/ui/form";
import { EmptyState, QueryState } from "@/components/ui/states";
import { RelativeTime } from "@/components/ui/table-cells";
import { Card, CardHeader } from "@/components/ui/card";
import { columnHelper, DataTable, timeKey } from "@/components/ui/data-table";
import { useCreateInvitation } from "@/features/members/api/create-invitation";
import { useDeleteInvitation } from "@/features/members/api/delete-invitation";
import { useInvitations, type Invitation } from "@/features/members/api/get-invitations";
import { ROLE_HELP, ROLE_LABEL } from "@/lib/role-labels";
import type { Role } from "@/lib/api-types";
import { assignableRoles, ROLES } from "@/lib/authorization";
import { formatDateTime } from "@/lib/format";
import { toast } from "@/lib/toast";
import { useMutationDialog } from "@/lib/use-mutation-dialog";

export function InviteDialog({ org, actorRole }: { org: string; actorRole: Role }) {
  const invite = useCreateInvitation(org);
  const errors = fieldErrors(invite.error);
  const { open, onOpenChange } = useMutationDialog(invite);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button>Invite member</Button>
      </DialogTrigger>
      <DialogContent title="Invite a member" description="They get an email with a link to join this organization.">
        <Form
          label="Invite a member"
          error={invite.error}
          onSubmit={(v) =>
            invite.mutate(
              { email: v.email ?? "", role: (v.role ?? "member") as Role },
              {
                onSuccess: (inv) => {
                  toast.success("Invitation sent", inv.email);
                  onOpenChange(false);
                },
              },
            )
          }
        >
          <TextField label="Email" name="email" type="email" required autoComplete="off" error={errors.email} />
          <SelectField label="Role" name="role" defaultValue="member" error={errors.role}>
            {assignableRoles(actorRole).map((r) => (
              <option key={r} value={r}>
                {ROLE_LABEL[r]} — {ROLE_HELP[r]}
              </option>
            ))}
          </SelectField>
          <DialogFooter>
            <Button variant="secondary" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={invite.isPending}>
              Send invitation
            </Button>
          </DialogFooter>
        </Form>
      </DialogContent>
    </Dialog>
  );
}

const col = columnHelper<Invitation>();

function invitationColumns(remove: (i: Invitation) => Promise<unknown>) {
  return col.columns([
    col.accessor("email", { header: "Email" }),
    col.accessor((i) => ROLES.length - ROLES.indexOf(i.role), { id: "role", header: "Role", cell: (c) => ROLE_LABEL[c.row.original.role] }),
    col.accessor((i) => timeKey(i.expires_at), {
      id: "expires",
      header: "Expires",
      cell: (c) => {
        const expires = c.row.original.expires_at;
        return Date.parse(expires) <= Date.now() ? (
          <span title={formatDateTime(expires)}>
            <Badge tone="red">Expired</Badge>
          </span>
        ) : (
          <RelativeTime value={expires} />
        );
      },
    }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      meta: { className: "text-right" },
      cell: (c) => {
        const i = c.row.original;
        return (
          <ConfirmButton
            trigger={<>Revoke <span className="sr-only">invitation of {i.email}</span></>}
            title={`Revoke the invitation of ${i.email}?`}
            description="The link in their email stops working."
            confirmLabel="Revoke invitation"
            onConfirm={() => remove(i)}
          />
        );
      },
    }),
  ]);
}

/** Invitations not yet accepted; headers sort them. */
export function InvitationsTable({ org }: { org: string }) {
  const invitations = useInvitations(org);
  const removeInvitation = useDeleteInvitation(org).mutateAsync;
  const columns = useMemo(
    () => invitationColumns((i) => removeInvitation(i.id).then(() => toast.success("Invitation revoked", i.email))),
    [removeInvitation],
  );
  return (
    <Card>
      <CardHeader title="Pending invitations" />
      <QueryState
        query={invitations}
        loadingLabel="Loading invitations"
        isEmpty={(d) => d.results.length === 0}
        empty={<EmptyState title="No pending invitations" />}
      >
        {(data) => (
          <DataTable label="Pending invitations" data={data.results} columns={columns} getRowId={(i) => String(i.id)} />
        )}
      </QueryState>
    </Card>
  );
}
