import { useMemo } from "react";

import { SearchedList, useListSearch } from "@/components/domain/searched-list";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { columnHelper, timeKey } from "@/components/ui/data-table";
import { useDeleteGroup } from "@/features/groups/api/delete-group";
import { useGroups, type Group } from "@/features/groups/api/get-groups";
import { EditGroupDialog } from "@/features/groups/components/group-dialog";
import { GroupMembersDialog } from "@/features/groups/components/group-members-dialog";
import { formatDate } from "@/lib/format";
import { toast } from "@/lib/toast";

const col = columnHelper<Group>();

function groupColumns(org: string, canManage: boolean, remove: (g: Group) => Promise<unknown>) {
  return col.columns([
    col.accessor("name", { header: "Name", meta: { className: "font-medium text-slate-900" } }),
    col.accessor("slug", { header: "Slug", meta: { className: "font-mono text-xs" } }),
    col.accessor("member_count", { header: "People" }),
    col.accessor((g) => timeKey(g.created_at), { id: "created", header: "Created", cell: (c) => formatDate(c.row.original.created_at) }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      meta: { className: "text-right" },
      cell: (c) => {
        const g = c.row.original;
        return (
          <div className="flex justify-end gap-2">
            <GroupMembersDialog org={org} group={g} canManage={canManage} />
            {canManage && <EditGroupDialog org={org} group={g} />}
            {canManage && (
              <ConfirmButton
                trigger={<>Delete <span className="sr-only">{g.name}</span></>}
                triggerVariant="danger"
                title={`Delete “${g.name}”?`}
                description="Its people stay in the organization; license seat rules naming this group go, and its reserved seats return to everyone."
                confirmLabel="Delete group"
                onConfirm={() => remove(g)}
              />
            )}
          </div>
        );
      },
    }),
  ]);
}

/** Groups of people with search (in the URL) and pagination. */
export function GroupsList({ org, canManage }: { org: string; canManage: boolean }) {
  const search = useListSearch();
  const groups = useGroups(org, search.query);
  const removeGroup = useDeleteGroup(org).mutateAsync;
  const columns = useMemo(
    () => groupColumns(org, canManage, (g) => removeGroup(g.id).then(() => toast.success("Group deleted", g.name))),
    [org, canManage, removeGroup],
  );
  return (
    <SearchedList
      search={search}
      query={groups}
      columns={columns}
      label="Groups"
      noun="group"
      hint="Groups of people let a license reserve seats for a team, or cap it."
    />
  );
}
