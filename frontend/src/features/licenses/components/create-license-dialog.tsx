import { Link } from "react-router";

import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { fieldErrors, Form } from "@/components/ui/form";
import { SecretReveal } from "@/components/ui/secret-reveal";
import { useCreateLicense } from "@/features/licenses/api/create-license";
import { LicenseFields, licenseBody } from "@/features/licenses/components/license-fields";
import { toast } from "@/lib/toast";
import { useMutationDialog } from "@/lib/use-mutation-dialog";

/** Create a license; its key is shown once, with a copy button and a warning. */
export function CreateLicenseDialog({ org }: { org: string }) {
  const create = useCreateLicense(org);
  const created = create.data?.license;
  const key = create.data?.license_key;

  const { open, onOpenChange } = useMutationDialog(create);

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button>New license</Button>
      </DialogTrigger>
      {created && key ? (
        <DialogContent title="License created" description={`“${created.name}” has ${created.seats_total} seats.`}>
          <SecretReveal label="License key" value={key} what="license key" />
          <DialogFooter>
            <Link
              to={`/orgs/${org}/licenses/${created.id}`}
              className="self-center text-sm font-medium text-brand-700 underline"
              onClick={() => onOpenChange(false)}
            >
              Open the license
            </Link>
            <Button onClick={() => onOpenChange(false)}>I have copied the key</Button>
          </DialogFooter>
        </DialogContent>
      ) : (
        <DialogContent title="New license" description="Seats are shared by every client that uses the key.">
          <Form
            label="New license"
            error={create.error}
            onSubmit={(values) =>
              create.mutate(licenseBody(values), {
                onSuccess: ({ license }) => toast.success("License created", `${license.name} is ready to use.`),
              })
            }
          >
            <LicenseFields org={org} errors={fieldErrors(create.error)} />
            <DialogFooter>
              <Button variant="secondary" onClick={() => onOpenChange(false)}>
                Cancel
              </Button>
              <Button type="submit" pending={create.isPending}>
                Create license
              </Button>
            </DialogFooter>
          </Form>
        </DialogContent>
      )}
    </Dialog>
  );
}
