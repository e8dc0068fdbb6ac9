import { useState } from "react";
import { useNavigate } from "react-router";

import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { Dialog, DialogContent, DialogFooter } from "@/components/ui/dialog";
import { SecretReveal } from "@/components/ui/secret-reveal";
import { useDeleteLicense } from "@/features/licenses/api/delete-license";
import type { License } from "@/features/licenses/api/get-licenses";
import { useResumeLicense } from "@/features/licenses/api/resume-license";
import { useRotateLicenseKey } from "@/features/licenses/api/rotate-license-key";
import { useSuspendLicense } from "@/features/licenses/api/suspend-license";
import { EditLicenseDialog } from "@/features/licenses/components/edit-license-dialog";
import { RenewLicenseDialog } from "@/features/licenses/components/renew-license-dialog";
import { licenseStatus } from "@/components/domain/license-status";
import { toast } from "@/lib/toast";

/** Suspend / resume, edit, rotate key and delete: each destructive one asks first. */
export function LicenseActions({ org, license }: { org: string; license: License }) {
  const navigate = useNavigate();
  const suspend = useSuspendLicense(org, license.id);
  const resume = useResumeLicense(org, license.id);
  const rotate = useRotateLicenseKey(org, license.id);
  const remove = useDeleteLicense(org);
  const [newKey, setNewKey] = useState<string | null>(null);
  const suspended = licenseStatus(license) === "suspended";

  return (
    <>
      <EditLicenseDialog org={org} license={license} />
      {license.expires_at && <RenewLicenseDialog org={org} license={license} />}
      {suspended ? (
        <ConfirmButton
          trigger="Resume"
          variant="primary"
          title="Resume this license?"
          description="Clients with the key can acquire seats again. Sessions ended by the suspension stay ended: those clients acquire again."
          confirmLabel="Resume license"
          onConfirm={() => resume.mutateAsync().then(() => toast.success("License resumed", "Clients can acquire seats again."))}
        />
      ) : (
        <ConfirmButton
          trigger="Suspend"
          title="Suspend this license?"
          description="Every running client loses its seat at once, and acquires are refused (license_suspended) until you resume the license."
          confirmLabel="Suspend license"
          onConfirm={() => suspend.mutateAsync().then(() => toast.success("License suspended", "Its sessions have ended and acquires are refused."))}
        />
      )}
      <ConfirmButton
        trigger="Rotate key"
        title="Rotate the license key?"
        description="A new key is issued and shown once. The current key stops working for new acquires at once: update every client that uses it."
        confirmLabel="Rotate key"
        onConfirm={() =>
          rotate.mutateAsync().then((answer) => {
            setNewKey(answer.license_key);
            toast.success("Key rotated", "The old key no longer acquires seats.");
          })
        }
      />
      <ConfirmButton
        trigger="Delete"
        triggerVariant="danger"
        title={`Delete “${license.name}”?`}
        description="The license, its sessions and its history are deleted. Running clients lose their seat. This cannot be undone."
        confirmLabel="Delete license"
        onConfirm={() =>
          remove.mutateAsync(license.id).then(() => {
            toast.success("License deleted", license.name);
            navigate(`/orgs/${org}/licenses`, { replace: true });
          })
        }
      />
      <Dialog open={newKey !== null} onOpenChange={(open) => !open && setNewKey(null)}>
        {newKey && (
          <DialogContent title="New license key" description={`The new key of “${license.name}”.`}>
            <SecretReveal label="License key" value={newKey} what="license key" />
            <DialogFooter>
              <Button onClick={() => setNewKey(null)}>I have copied the key</Button>
            </DialogFooter>
          </DialogContent>
        )}
      </Dialog>
    </>
  );
}
