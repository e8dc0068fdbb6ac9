import { useMemo } from "react";

import { SearchedList, useListSearch } from "@/components/domain/searched-list";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { columnHelper, timeKey } from "@/components/ui/data-table";
import { useDeleteProject } from "@/features/projects/api/delete-project";
import { useProjects, type Project } from "@/features/projects/api/get-projects";
import { EditProjectDialog } from "@/features/projects/components/project-dialog";
import { formatDate } from "@/lib/format";
import { toast } from "@/lib/toast";

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
  const search = useListSearch();
  const projects = useProjects(org, search.query);
  const removeProject = useDeleteProject(org).mutateAsync;
  const columns = useMemo(
    () => projectColumns(org, canManage, (p) => removeProject(p.id).then(() => toast.success("Project deleted", p.name))),
    [org, canManage, removeProject],
  );
  return (
    <SearchedList
      search={search}
      query={projects}
      columns={columns}
      label="Projects"
      noun="project"
      hint="Projects group licenses and sessions by customer project."
    />
  );
}
