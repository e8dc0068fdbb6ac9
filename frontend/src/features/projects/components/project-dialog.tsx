import { SlugNameForm } from "@/components/domain/slug-name-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { fieldErrors, TextareaField } from "@/components/ui/form";
import { useCreateProject } from "@/features/projects/api/create-project";
import type { Project } from "@/features/projects/api/get-projects";
import { useUpdateProject } from "@/features/projects/api/update-project";
import { toast } from "@/lib/toast";
import { useMutationDialog } from "@/lib/use-mutation-dialog";

type ProjectBody = { description: string };

function ProjectForm({ project, ...props }: Omit<Parameters<typeof SlugNameForm<ProjectBody>>[0], "initial" | "extra"> & { project?: Project }) {
  return (
    <SlugNameForm<ProjectBody> {...props} initial={project} extra={(v) => ({ description: v.description ?? "" })}>
      <TextareaField label="Description" name="description" defaultValue={project?.description} error={fieldErrors(props.error).description} />
    </SlugNameForm>
  );
}

export function CreateProjectDialog({ org }: { org: string }) {
  const create = useCreateProject(org);
  const { open, onOpenChange } = useMutationDialog(create);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button>New project</Button>
      </DialogTrigger>
      <DialogContent title="New project" description="Licenses and sessions can be attributed to a project.">
        <ProjectForm
          submitLabel="Create project"
          error={create.error}
          pending={create.isPending}
          onCancel={() => onOpenChange(false)}
          onSubmit={(body) =>
            create.mutate(body, {
              onSuccess: (p) => {
                toast.success("Project created", p.name);
                onOpenChange(false);
              },
            })
          }
        />
      </DialogContent>
    </Dialog>
  );
}

export function EditProjectDialog({ org, project }: { org: string; project: Project }) {
  const update = useUpdateProject(org, project.id);
  const { open, onOpenChange } = useMutationDialog(update);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant="secondary" size="sm">
          Edit <span className="sr-only">{project.name}</span>
        </Button>
      </DialogTrigger>
      <DialogContent title="Edit project" description={project.name}>
        <ProjectForm
          project={project}
          submitLabel="Save"
          error={update.error}
          pending={update.isPending}
          onCancel={() => onOpenChange(false)}
          onSubmit={(body) =>
            update.mutate(body, {
              onSuccess: () => {
                toast.success("Project saved");
                onOpenChange(false);
              },
            })
          }
        />
      </DialogContent>
    </Dialog>
  );
}
