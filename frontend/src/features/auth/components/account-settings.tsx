import { Button } from "@/components/ui/button";
import { fieldErrors, Form, TextField } from "@/components/ui/form";
import { Card, CardHeader } from "@/components/ui/card";
import { useChangePassword } from "@/features/auth/api/change-password";
import { useUpdateProfile } from "@/features/auth/api/update-profile";
import { LinkedIdentities } from "@/features/auth/components/linked-identities";
import { TwoFactorSettings } from "@/features/auth/components/two-factor-settings";
import { useMe } from "@/lib/auth";
import { toast } from "@/lib/toast";

export function AccountSettings() {
  const { data: me } = useMe();
  const profile = useUpdateProfile();
  const password = useChangePassword();
  const pErrors = fieldErrors(password.error);
  if (!me) return null;
  return (
    <div className="space-y-6">
      <Card>
        <CardHeader title="Profile" />
        <div className="p-4">
          <Form
            label="Profile"
            className="max-w-md"
            error={profile.error}
            onSubmit={(v) => profile.mutate({ name: v.name ?? "" }, { onSuccess: () => toast.success("Profile saved") })}
          >
            <TextField label="Email" name="email" value={me.email} readOnly disabled />
            <TextField label="Name" name="name" defaultValue={me.name} autoComplete="name" error={fieldErrors(profile.error).name} />
            <Button type="submit" pending={profile.isPending}>
              Save
            </Button>
          </Form>
        </div>
      </Card>
      <Card>
        <CardHeader title="Password" />
        <div className="p-4">
          <Form
            label="Change password"
            className="max-w-md"
            error={password.error}
            onSubmit={(v, form) =>
              password.mutate(
                { old_password: v.old_password ?? "", new_password: v.new_password ?? "" },
                {
                  onSuccess: () => {
                    form.reset();
                    toast.success("Password changed");
                  },
                },
              )
            }
          >
            <TextField label="Current password" name="old_password" type="password" autoComplete="current-password" required error={pErrors.old_password} />
            <TextField label="New password" name="new_password" type="password" autoComplete="new-password" required error={pErrors.new_password} />
            <Button type="submit" pending={password.isPending}>
              Change password
            </Button>
          </Form>
        </div>
      </Card>
      <TwoFactorSettings />
      <LinkedIdentities />
    </div>
  );
}
