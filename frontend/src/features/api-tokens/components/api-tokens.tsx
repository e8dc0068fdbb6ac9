import { useState } from "react";

import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { Dialog, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { fieldErrors, Form, SelectField, TextField } from "@/components/ui/form";
import { Pagination, PAGE_SIZE } from "@/components/ui/pagination";
import { SecretReveal } from "@/components/ui/secret-reveal";
import { EmptyState, QueryState } from "@/components/ui/states";
import { Card } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { useCreateApiToken } from "@/features/api-tokens/api/create-api-token";
import { useDeleteApiToken } from "@/features/api-tokens/api/delete-api-token";
import { useApiTokens } from "@/features/api-tokens/api/get-api-tokens";
import type { Role } from "@/lib/api-types";
import { assignableRoles } from "@/lib/authorization";
import { formatDate, formatRelative } from "@/lib/format";
import { toast } from "@/lib/toast";

const ROLE_LABEL: Record<Role, string> = { owner: "Owner", admin: "Admin", member: "Member", viewer: "Viewer" };

export function CreateApiTokenDialog({ org, actorRole }: { org: string; actorRole: Role }) {
  const [open, setOpen] = useState(false);
  const create = useCreateApiToken(org);
  const errors = fieldErrors(create.error);
  const onOpenChange = (next: boolean) => {
    setOpen(next);
    if (!next) create.reset();
  };
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button>New API token</Button>
      </DialogTrigger>
      {create.data ? (
        <DialogContent title="API token created" description={`“${create.data.name}” acts with the ${create.data.role} role.`}>
          <SecretReveal label="Token" value={create.data.token} what="token" />
          <DialogFooter>
            <Button onClick={() => onOpenChange(false)}>I have copied the token</Button>
          </DialogFooter>
        </DialogContent>
      ) : (
        <DialogContent title="New API token" description="For scripts and CI: send it as “Authorization: Bearer <token>”.">
          <Form
            label="New API token"
            error={create.error}
            onSubmit={(v) =>
              create.mutate(
                { name: v.name ?? "", role: (v.role ?? "viewer") as Role },
                { onSuccess: (t) => toast.success("API token created", t.name) },
              )
            }
          >
            <TextField label="Name" name="name" required autoComplete="off" error={errors.name} hint="Say what uses it, e.g. “CI deploys”." />
            <SelectField label="Role" name="role" defaultValue="viewer" error={errors.role}>
              {assignableRoles(actorRole).map((r) => (
                <option key={r} value={r}>
                  {ROLE_LABEL[r]}
                </option>
              ))}
            </SelectField>
            <DialogFooter>
              <Button variant="secondary" onClick={() => onOpenChange(false)}>
                Cancel
              </Button>
              <Button type="submit" pending={create.isPending}>
                Create token
              </Button>
            </DialogFooter>
          </Form>
        </DialogContent>
      )}
    </Dialog>
  );
}

export function ApiTokensList({ org }: { org: string }) {
  const [page, setPage] = useState(1);
  const tokens = useApiTokens(org, page, PAGE_SIZE);
  const remove = useDeleteApiToken(org);
  return (
    <Card>
      <QueryState
        query={tokens}
        loadingLabel="Loading API tokens"
        isEmpty={(d) => d.results.length === 0}
        empty={<EmptyState title="No API tokens">Create one for a script or a CI job.</EmptyState>}
      >
        {(data) => (
          <>
            <Table label="API tokens">
              <thead className="bg-slate-50">
                <tr>
                  <Th>Name</Th>
                  <Th>Token</Th>
                  <Th>Role</Th>
                  <Th>Created</Th>
                  <Th>Last used</Th>
                  <Th><span className="sr-only">Actions</span></Th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {data.results.map((t) => (
                  <tr key={t.id}>
                    <Td className="font-medium text-slate-900">{t.name}</Td>
                    <Td>
                      <code className="font-mono text-xs">{t.prefix}…</code>
                    </Td>
                    <Td>{ROLE_LABEL[t.role]}</Td>
                    <Td>{formatDate(t.created_at)}</Td>
                    <Td>{t.last_used_at ? formatRelative(t.last_used_at) : "Never"}</Td>
                    <Td className="text-right">
                      <ConfirmButton
                        trigger={<>Revoke <span className="sr-only">{t.name}</span></>}
                        triggerVariant="danger"
                        title={`Revoke “${t.name}”?`}
                        description="Anything that uses this token is refused from now on. This cannot be undone."
                        confirmLabel="Revoke token"
                        onConfirm={() => remove.mutateAsync(t.id).then(() => toast.success("API token revoked", t.name))}
                      />
                    </Td>
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
