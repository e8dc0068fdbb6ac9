import { useState } from "react";

import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { fieldErrors, Form, TextareaField, TextField } from "@/components/ui/form";
import { useCreateProject } from "@/features/projects/api/create-project";
import type { Project } from "@/features/projects/api/get-projects";
import { useUpdateProject } from "@/features/projects/api/update-project";
import { toast } from "@/lib/toast";

function ProjectForm({
  onSubmit,
  error,
  pending,
  project,
  onCancel,
  submitLabel,
}: {
  onSubmit: (body: { name: string; slug?: string; description: string }) => void;
  error: unknown;
  pending: boolean;
  project?: Project;
  onCancel: () => void;
  submitLabel: string;
}) {
  const errors = fieldErrors(error);
  return (
    <Form
      label={submitLabel}
      error={error}
      onSubmit={(v) => onSubmit({ name: v.name ?? "", description: v.description ?? "", ...(v.slug ? { slug: v.slug } : {}) })}
    >
      <TextField label="Name" name="name" required defaultValue={project?.name} error={errors.name} autoComplete="off" />
      <TextField
        label="Slug"
        name="slug"
        defaultValue={project?.slug}
        error={errors.slug}
        hint="Letters, digits, - and _. Made from the name if empty."
        autoComplete="off"
      />
      <TextareaField label="Description" name="description" defaultValue={project?.description} error={errors.description} />
      <DialogFooter>
        <Button variant="secondary" onClick={onCancel}>
          Cancel
        </Button>
        <Button type="submit" pending={pending}>
          {submitLabel}
        </Button>
      </DialogFooter>
    </Form>
  );
}

export function CreateProjectDialog({ org }: { org: string }) {
  const [open, setOpen] = useState(false);
  const create = useCreateProject(org);
  const onOpenChange = (next: boolean) => {
    setOpen(next);
    if (!next) create.reset();
  };
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
  const [open, setOpen] = useState(false);
  const update = useUpdateProject(org, project.id);
  const onOpenChange = (next: boolean) => {
    setOpen(next);
    if (!next) update.reset();
  };
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
