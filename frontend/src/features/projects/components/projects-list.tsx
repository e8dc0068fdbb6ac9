import { useEffect, useMemo, useState } from "react";

import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { FilterInput } from "@/components/ui/form";
import { Pagination, PAGE_SIZE } from "@/components/ui/pagination";
import { EmptyState, QueryState } from "@/components/ui/states";
import { Card } from "@/components/ui/card";
import { columnHelper, DataTable, timeKey } from "@/components/ui/data-table";
import { useDeleteProject } from "@/features/projects/api/delete-project";
import { useProjects, type Project } from "@/features/projects/api/get-projects";
import { EditProjectDialog } from "@/features/projects/components/project-dialog";
import { formatDate } from "@/lib/format";
import { toast } from "@/lib/toast";
import { useSearchState } from "@/lib/use-search-state";

const col = columnHelper<Project>();

function projectColumns(org: string, canManage: boolean, remove: (p: Project) => Promise<unknown>) {
  const columns = col.columns([
    col.accessor("name", { header: "Name", meta: { className: "font-medium text-slate-900" } }),
    col.accessor("slug", { header: "Slug", meta: { className: "font-mono text-xs" } }),
    col.accessor("description", {
      header: "Description",
      meta: { className: "max-w-xs truncate whitespace-normal" },
      cell: (c) => c.getValue() || "—",
    }),
    col.accessor((p) => timeKey(p.created_at), { id: "created", header: "Created", cell: (c) => formatDate(c.row.original.created_at) }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      meta: { className: "text-right" },
      cell: (c) => {
        const p = c.row.original;
        return (
          <div className="flex justify-end gap-2">
            <EditProjectDialog org={org} project={p} />
            <ConfirmButton
              trigger={<>Delete <span className="sr-only">{p.name}</span></>}
              triggerVariant="danger"
              title={`Delete “${p.name}”?`}
              description="Licenses of this project stay, without a project."
              confirmLabel="Delete project"
              onConfirm={() => remove(p)}
            />
          </div>
        );
      },
    }),
  ]);
  return canManage ? columns : columns.filter((c) => c.id !== "actions");
}

/** Projects with search (in the URL) and pagination; headers sort the page shown. */
export function ProjectsList({ org, canManage }: { org: string; canManage: boolean }) {
  const { values, page, set } = useSearchState(["search"] as const);
  const [search, setSearch] = useState(values.search);
  useEffect(() => {
    if (search === values.search) return;
    const timer = setTimeout(() => set({ search }), 300);
    return () => clearTimeout(timer);
  }, [search, values.search, set]);

  const projects = useProjects(org, { page, page_size: PAGE_SIZE, ...(values.search && { search: values.search }) });
  const remove = useDeleteProject(org);
  const removeProject = remove.mutateAsync;
  const columns = useMemo(
    () => projectColumns(org, canManage, (p) => removeProject(p.id).then(() => toast.success("Project deleted", p.name))),
    [org, canManage, removeProject],
  );

  return (
    <Card>
      <div className="border-b border-slate-200 p-4" role="search" aria-label="Filter projects">
        <div className="sm:max-w-sm">
          <FilterInput label="Search" type="search" placeholder="Name or slug" value={search} onChange={(e) => setSearch(e.target.value)} />
        </div>
      </div>
      <QueryState
        query={projects}
        loadingLabel="Loading projects"
        isEmpty={(d) => d.results.length === 0}
        empty={
          <EmptyState title={values.search ? "No project matches" : "No projects yet"}>
            {!values.search && "Projects group licenses and sessions by customer project."}
          </EmptyState>
        }
      >
        {(data) => (
          <>
            <DataTable label="Projects" data={data.results} columns={columns} getRowId={(p) => p.id} />
            <Pagination page={page} count={data.count} onPage={(n) => set({ page: n })} />
          </>
        )}
      </QueryState>
    </Card>
  );
}
