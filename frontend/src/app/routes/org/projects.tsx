import { PageHeader } from "@/components/ui/page-header";
import { CreateProjectDialog } from "@/features/projects/components/project-dialog";
import { ProjectsList } from "@/features/projects/components/projects-list";
import { can } from "@/lib/authorization";
import { useCurrentOrg } from "@/lib/current-org";

export function ProjectsRoute() {
  const org = useCurrentOrg();
  const manage = can(org.role, "projects.manage");
  return (
    <>
      <PageHeader
        title="Projects"
        description="Customer projects that licenses and sessions are attributed to."
        actions={manage ? <CreateProjectDialog org={org.slug} /> : undefined}
      />
      <ProjectsList org={org.slug} canManage={manage} />
    </>
  );
}
