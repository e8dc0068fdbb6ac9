import { useMemo, useState } from "react";

import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { Dialog, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { fieldErrors, Form, SelectField, TextField } from "@/components/ui/form";
import { Pagination, PAGE_SIZE } from "@/components/ui/pagination";
import { SecretReveal } from "@/components/ui/secret-reveal";
import { EmptyState, QueryState } from "@/components/ui/states";
import { Card } from "@/components/ui/card";
import { columnHelper, DataTable, timeKey } from "@/components/ui/data-table";
import { RelativeTime } from "@/components/ui/table-cells";
import { useCreateApiToken } from "@/features/api-tokens/api/create-api-token";
import { useDeleteApiToken } from "@/features/api-tokens/api/delete-api-token";
import { useApiTokens, type ApiToken } from "@/features/api-tokens/api/get-api-tokens";
import type { Role } from "@/lib/api-types";
import { assignableRoles, ROLES } from "@/lib/authorization";
import { formatDate } from "@/lib/format";
import { ROLE_LABEL } from "@/lib/role-labels";
import { toast } from "@/lib/toast";
import { useMutationDialog } from "@/lib/use-mutation-dialog";

export function CreateApiTokenDialog({ org, actorRole }: { org: string; actorRole: Role }) {
  const create = useCreateApiToken(org);
  const errors = fieldErrors(create.error);
  const { open, onOpenChange } = useMutationDialog(create);
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

const col = columnHelper<ApiToken>();

function tokenColumns(remove: (t: ApiToken) => Promise<unknown>) {
  return col.columns([
    col.accessor("name", { header: "Name", meta: { className: "font-medium text-slate-900" } }),
    col.accessor("prefix", { header: "Token", cell: (c) => <code className="font-mono text-xs">{c.getValue()}…</code> }),
    col.accessor((t) => ROLES.length - ROLES.indexOf(t.role), { id: "role", header: "Role", cell: (c) => ROLE_LABEL[c.row.original.role] }),
    col.accessor((t) => timeKey(t.created_at), { id: "created", header: "Created", cell: (c) => formatDate(c.row.original.created_at) }),
    col.accessor((t) => timeKey(t.last_used_at), {
      id: "last_used",
      header: "Last used",
      sortUndefined: "last",
      cell: (c) => <RelativeTime value={c.row.original.last_used_at} fallback="Never" />,
    }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      meta: { className: "text-right" },
      cell: (c) => {
        const t = c.row.original;
        return (
          <ConfirmButton
            trigger={<>Revoke <span className="sr-only">{t.name}</span></>}
            triggerVariant="danger"
            title={`Revoke “${t.name}”?`}
            description="Anything that uses this token is refused from now on. This cannot be undone."
            confirmLabel="Revoke token"
            onConfirm={() => remove(t)}
          />
        );
      },
    }),
  ]);
}

/** The organization's API tokens; headers sort the page shown. */
export function ApiTokensList({ org }: { org: string }) {
  const [page, setPage] = useState(1);
  const tokens = useApiTokens(org, page, PAGE_SIZE);
  const removeToken = useDeleteApiToken(org).mutateAsync;
  const columns = useMemo(
    () => tokenColumns((t) => removeToken(t.id).then(() => toast.success("API token revoked", t.name))),
    [removeToken],
  );
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
            <DataTable label="API tokens" data={data.results} columns={columns} getRowId={(t) => t.id} />
            <Pagination page={page} count={data.count} onPage={setPage} />
          </>
        )}
      </QueryState>
    </Card>
  );
}
