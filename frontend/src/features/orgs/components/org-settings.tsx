import { useNavigate } from "react-router";

import { Button } from "@/components/ui/button";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { fieldErrors, Form, TextField } from "@/components/ui/form";
import { Card, CardHeader } from "@/components/ui/card";
import { useDeleteOrg } from "@/features/orgs/api/delete-org";
import { useLeaveOrg } from "@/features/orgs/api/leave-org";
import { useUpdateOrg } from "@/features/orgs/api/update-org";
import { SignInPolicySettings } from "@/features/orgs/components/sign-in-policy";
import type { OrgMembership } from "@/lib/auth";
import { can } from "@/lib/authorization";
import { toast } from "@/lib/toast";

export function OrgSettings({ org }: { org: OrgMembership }) {
  const update = useUpdateOrg(org.slug);
  const remove = useDeleteOrg(org.slug);
  const leave = useLeaveOrg(org.slug);
  const navigate = useNavigate();
  const errors = fieldErrors(update.error);
  const mayUpdate = can(org.role, "org.update");

  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="Organization" />
        <div className="p-4">
          <Form
            label="Organization settings"
            className="max-w-md"
            error={update.error}
            onSubmit={(v) =>
              update.mutate(
                { name: v.name, slug: v.slug },
                {
                  onSuccess: (saved) => {
                    toast.success("Organization saved");
                    if (saved.slug !== org.slug) navigate(`/orgs/${saved.slug}/settings`, { replace: true });
                  },
                },
              )
            }
          >
            <fieldset disabled={!mayUpdate} className="space-y-4">
              <TextField label="Name" name="name" defaultValue={org.name} required error={errors.name} />
              <TextField label="Slug" name="slug" defaultValue={org.slug} required error={errors.slug} hint="Changing it changes every address of this organization." />
              {mayUpdate && (
                <Button type="submit" pending={update.isPending}>
                  Save
                </Button>
              )}
            </fieldset>
          </Form>
        </div>
      </Card>
      <SignInPolicySettings org={org} />
      <Card>
        <CardHeader title="Leave this organization" description="You lose access at once; an admin can invite you again. Its last owner cannot leave." />
        <div className="p-4">
          <ConfirmButton
            trigger="Leave organization"
            size="md"
            title={`Leave ${org.name}?`}
            description="You will no longer see its licenses, projects or members."
            confirmLabel="Leave organization"
            onConfirm={() =>
              leave.mutateAsync().then(() => {
                toast.success("You left the organization", org.name);
                navigate("/", { replace: true });
              })
            }
          />
        </div>
      </Card>
      {can(org.role, "org.delete") && (
        <Card className="border-red-200">
          <CardHeader title="Delete this organization" description="Every license, session, project, member and token of it goes. This cannot be undone." />
          <div className="p-4">
            <ConfirmButton
              trigger="Delete organization"
              triggerVariant="danger"
              size="md"
              title={`Delete ${org.name}?`}
              description="All its licenses stop working at once and all its data is deleted."
              confirmLabel="Delete organization"
              onConfirm={() =>
                remove.mutateAsync().then(() => {
                  toast.success("Organization deleted", org.name);
                  navigate("/", { replace: true });
                })
              }
            />
          </div>
        </Card>
      )}
    </div>
  );
}
