import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { fieldErrors, Form } from "@/components/ui/form";
import type { License } from "@/features/licenses/api/get-licenses";
import { useUpdateLicense } from "@/features/licenses/api/update-license";
import { LicenseFields, licenseBody } from "@/features/licenses/components/license-fields";
import { toast } from "@/lib/toast";
import { useMutationDialog } from "@/lib/use-mutation-dialog";

export function EditLicenseDialog({ org, license }: { org: string; license: License }) {
  const update = useUpdateLicense(org, license.id);
  const { open, onOpenChange } = useMutationDialog(update);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant="secondary" size="sm">
          Edit
        </Button>
      </DialogTrigger>
      <DialogContent title="Edit license" description="Fewer seats than are in use now take effect as clients release them.">
        <Form
          label="Edit license"
          error={update.error}
          onSubmit={(values) =>
            update.mutate(licenseBody(values), {
              onSuccess: () => {
                toast.success("License saved");
                onOpenChange(false);
              },
            })
          }
        >
          <LicenseFields org={org} errors={fieldErrors(update.error)} defaults={license} />
          <DialogFooter>
            <Button variant="secondary" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={update.isPending}>
              Save
            </Button>
          </DialogFooter>
        </Form>
      </DialogContent>
    </Dialog>
  );
}
