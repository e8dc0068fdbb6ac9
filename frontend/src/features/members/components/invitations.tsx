import { useState } from "react";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { Dialog, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { fieldErrors, Form, SelectField, TextField } from "@/components/ui/form";
import { EmptyState, QueryState } from "@/components/ui/states";
import { Card, CardHeader } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { useCreateInvitation } from "@/features/members/api/create-invitation";
import { useDeleteInvitation } from "@/features/members/api/delete-invitation";
import { useInvitations } from "@/features/members/api/get-invitations";
import { ROLE_HELP, ROLE_LABEL } from "@/features/members/components/role-label";
import type { Role } from "@/lib/api-types";
import { assignableRoles } from "@/lib/authorization";
import { formatDateTime, formatRelative } from "@/lib/format";
import { toast } from "@/lib/toast";

export function InviteDialog({ org, actorRole }: { org: string; actorRole: Role }) {
  const [open, setOpen] = useState(false);
  const invite = useCreateInvitation(org);
  const errors = fieldErrors(invite.error);
  const onOpenChange = (next: boolean) => {
    setOpen(next);
    if (!next) invite.reset();
  };
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

export function InvitationsTable({ org }: { org: string }) {
  const invitations = useInvitations(org);
  const remove = useDeleteInvitation(org);
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
          <Table label="Pending invitations">
            <thead className="bg-slate-50">
              <tr>
                <Th>Email</Th>
                <Th>Role</Th>
                <Th>Expires</Th>
                <Th><span className="sr-only">Actions</span></Th>
              </tr>
            </thead>
            <tbody className="divide-y divide-slate-100">
              {data.results.map((i) => {
                  const expired = Date.parse(i.expires_at) <= Date.now();
                  return (
                    <tr key={i.id}>
                      <Td>{i.email}</Td>
                      <Td>{ROLE_LABEL[i.role]}</Td>
                      <Td title={formatDateTime(i.expires_at)}>
                        {expired ? <Badge tone="red">Expired</Badge> : formatRelative(i.expires_at)}
                      </Td>
                      <Td className="text-right">
                        <ConfirmButton
                          trigger={<>Revoke <span className="sr-only">invitation of {i.email}</span></>}
                          title={`Revoke the invitation of ${i.email}?`}
                          description="The link in their email stops working."
                          confirmLabel="Revoke invitation"
                          onConfirm={() => remove.mutateAsync(i.id).then(() => toast.success("Invitation revoked", i.email))}
                        />
                      </Td>
                    </tr>
                  );
                })}
            </tbody>
          </Table>
        )}
      </QueryState>
    </Card>
  );
}
