import { useEffect, useMemo, useState } from "react";

import { Card } from "@/components/ui/card";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { columnHelper, DataTable, timeKey } from "@/components/ui/data-table";
import { FilterInput } from "@/components/ui/form";
import { Pagination, PAGE_SIZE } from "@/components/ui/pagination";
import { EmptyState, QueryState } from "@/components/ui/states";
import { useDeleteGroup } from "@/features/groups/api/delete-group";
import { useGroups, type Group } from "@/features/groups/api/get-groups";
import { EditGroupDialog } from "@/features/groups/components/group-dialog";
import { GroupMembersDialog } from "@/features/groups/components/group-members-dialog";
import { formatDate } from "@/lib/format";
import { toast } from "@/lib/toast";
import { useSearchState } from "@/lib/use-search-state";

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
  const { values, page, set } = useSearchState(["search"] as const);
  const [search, setSearch] = useState(values.search);
  useEffect(() => {
    if (search === values.search) return;
    const timer = setTimeout(() => set({ search }), 300);
    return () => clearTimeout(timer);
  }, [search, values.search, set]);

  const groups = useGroups(org, { page, page_size: PAGE_SIZE, ...(values.search && { search: values.search }) });
  const removeGroup = useDeleteGroup(org).mutateAsync;
  const columns = useMemo(
    () => groupColumns(org, canManage, (g) => removeGroup(g.id).then(() => toast.success("Group deleted", g.name))),
    [org, canManage, removeGroup],
  );

  return (
    <Card>
      <div className="border-b border-slate-200 p-4" role="search" aria-label="Filter groups">
        <div className="sm:max-w-sm">
          <FilterInput label="Search" type="search" placeholder="Name or slug" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
      </div>
      <QueryState
        query={groups}
        loadingLabel="Loading groups"
        isEmpty={(d) => d.results.length === 0}
        empty={
          <EmptyState title={values.search ? "No group matches" : "No groups yet"}>
            {!values.search && "Groups of people let a license reserve seats for a team, or cap it."}
          </EmptyState>
        }
      >
        {(data) => (
          <>
            <DataTable label="Groups" data={data.results} columns={columns} getRowId={(g) => g.id} />
            <Pagination page={page} count={data.count} onPage={(n) => set({ page: n })} />
          </>
        )}
      </QueryState>
    </Card>
  );
}
