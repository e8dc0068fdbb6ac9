import { useEffect, useState } from "react";

import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { FilterInput } from "@/components/ui/form";
import { Pagination, PAGE_SIZE } from "@/components/ui/pagination";
import { EmptyState, QueryState } from "@/components/ui/states";
import { Card } from "@/components/ui/card";
import { Table, Td, Th } from "@/components/ui/table";
import { useDeleteProject } from "@/features/projects/api/delete-project";
import { useProjects } from "@/features/projects/api/get-projects";
import { EditProjectDialog } from "@/features/projects/components/project-dialog";
import { formatDate } from "@/lib/format";
import { toast } from "@/lib/toast";
import { useSearchState } from "@/lib/use-search-state";

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

  return (
    <Card>
      <div className="border-b border-slate-200 p-4 sm:max-w-sm" role="search" aria-label="Filter projects">
        <FilterInput label="Search" type="search" placeholder="Name or slug" value={search} onChange={(e) => setSearch(e.target.value)} />
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
            <Table label="Projects">
              <thead className="bg-slate-50">
                <tr>
                  <Th>Name</Th>
                  <Th>Slug</Th>
                  <Th>Description</Th>
                  <Th>Created</Th>
                  {canManage && <Th><span className="sr-only">Actions</span></Th>}
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-100">
                {data.results.map((p) => (
                  <tr key={p.id}>
                    <Td className="font-medium text-slate-900">{p.name}</Td>
                    <Td className="font-mono text-xs">{p.slug}</Td>
                    <Td className="max-w-xs truncate whitespace-normal">{p.description || "—"}</Td>
                    <Td>{formatDate(p.created_at)}</Td>
                    {canManage && (
                      <Td className="text-right">
                        <div className="flex justify-end gap-2">
                          <EditProjectDialog org={org} project={p} />
                          <ConfirmButton
                            trigger={<>Delete <span className="sr-only">{p.name}</span></>}
                            triggerVariant="danger"
                            title={`Delete “${p.name}”?`}
                            description="Licenses of this project stay, without a project."
                            confirmLabel="Delete project"
                            onConfirm={() => remove.mutateAsync(p.id).then(() => toast.success("Project deleted", p.name))}
                          />
                        </div>
                      </Td>
                    )}
                  </tr>
                ))}
              </tbody>
            </Table>
            <Pagination page={page} count={data.count} onPage={(n) => set({ page: n })} />
          </>
        )}
      </QueryState>
    </Card>
  );
}
