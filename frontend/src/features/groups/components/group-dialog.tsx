import { SlugNameForm } from "@/components/domain/slug-name-form";
import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogTrigger } from "@/components/ui/dialog";
import { useCreateGroup } from "@/features/groups/api/create-group";
import type { Group } from "@/features/groups/api/get-groups";
import { useUpdateGroup } from "@/features/groups/api/update-group";
import { toast } from "@/lib/toast";
import { useMutationDialog } from "@/lib/use-mutation-dialog";

export function CreateGroupDialog({ org }: { org: string }) {
  const create = useCreateGroup(org);
  const { open, onOpenChange } = useMutationDialog(create);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button>New group</Button>
      </DialogTrigger>
      <DialogContent title="New group" description="A team or a site: a license can reserve seats for its people or cap them.">
        <SlugNameForm
          submitLabel="Create group"
          error={create.error}
          pending={create.isPending}
          onCancel={() => onOpenChange(false)}
          onSubmit={(body) =>
            create.mutate(body, {
              onSuccess: (g) => {
                toast.success("Group created", g.name);
                onOpenChange(false);
              },
            })
          }
        />
      </DialogContent>
    </Dialog>
  );
}

export function EditGroupDialog({ org, group }: { org: string; group: Group }) {
  const update = useUpdateGroup(org, group.id);
  const { open, onOpenChange } = useMutationDialog(update);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant="secondary" size="sm">
          Edit <span className="sr-only">{group.name}</span>
        </Button>
      </DialogTrigger>
      <DialogContent title="Edit group" description={group.name}>
        <SlugNameForm
          initial={group}
          submitLabel="Save"
          error={update.error}
          pending={update.isPending}
          onCancel={() => onOpenChange(false)}
          onSubmit={(body) =>
            update.mutate(body, {
              onSuccess: () => {
                toast.success("Group saved");
                onOpenChange(false);
              },
            })
          }
        />
      </DialogContent>
    </Dialog>
  );
}
