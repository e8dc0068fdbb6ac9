import { Button } from "@/components/ui/button";
import { Dialog, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { fieldErrors, Form, TextField } from "@/components/ui/form";
import type { License } from "@/features/licenses/api/get-licenses";
import { useRenewLicense } from "@/features/licenses/api/renew-license";
import { fromLocalInput, toLocalInput } from "@/lib/format";
import { toast } from "@/lib/toast";
import { useMutationDialog } from "@/lib/use-mutation-dialog";

/** A year after the current expiry (or now, if it has passed): the usual renewal. */
function nextYear(expiresAt: string | null): string {
  const from = Math.max(expiresAt ? Date.parse(expiresAt) : 0, Date.now());
  const d = new Date(from);
  d.setFullYear(d.getFullYear() + 1);
  return d.toISOString();
}

export function RenewLicenseDialog({ org, license }: { org: string; license: License }) {
  const renew = useRenewLicense(org, license.id);
  const { open, onOpenChange } = useMutationDialog(renew);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant="secondary" size="sm">
          Renew
        </Button>
      </DialogTrigger>
      <DialogContent title="Renew license" description="Move the expiry later. Clients in the grace period get unmarked seats again; expiry warnings start over.">
        <Form
          label="Renew license"
          error={renew.error}
          onSubmit={(values) =>
            renew.mutate(fromLocalInput(values.expires_at ?? "") ?? "", {
              onSuccess: () => {
                toast.success("License renewed");
                onOpenChange(false);
              },
            })
          }
        >
          <TextField
            label="New expiry"
            name="expires_at"
            type="datetime-local"
            required
            defaultValue={toLocalInput(nextYear(license.expires_at))}
            error={fieldErrors(renew.error).expires_at}
          />
          <DialogFooter>
            <Button variant="secondary" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={renew.isPending}>
              Renew
            </Button>
          </DialogFooter>
        </Form>
      </DialogContent>
    </Dialog>
  );
}
