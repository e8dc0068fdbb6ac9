import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { fieldErrors, Form, SelectField, TextField } from "@/components/ui/form";
import { QueryState } from "@/components/ui/states";
import { useSignInPolicy, useUpdateSignInPolicy } from "@/features/orgs/api/sign-in-policy";
import { useProviders } from "@/lib/api/sign-in-providers";
import type { OrgMembership } from "@/lib/auth";
import { can } from "@/lib/authorization";
import { toast } from "@/lib/toast";

function Check({ name, label, hint, defaultChecked }: { name: string; label: string; hint: string; defaultChecked: boolean }) {
  return (
    <label className="flex items-start gap-2 text-sm">
      <input type="checkbox" name={name} value="on" defaultChecked={defaultChecked} className="mt-1" />
      <span>
        <span className="font-medium text-slate-800">{label}</span>
        <span className="block text-xs text-slate-500">{hint}</span>
      </span>
    </label>
  );
}

/** How the organization's people sign in: owners change it, admins read it. */
export function SignInPolicySettings({ org }: { org: OrgMembership }) {
  const mayRead = can(org.role, "sign_in_policy.read");
  const policy = useSignInPolicy(org.slug, mayRead);
  const update = useUpdateSignInPolicy(org.slug);
  const providers = useProviders();
  const mayManage = can(org.role, "sign_in_policy.manage");
  const errors = fieldErrors(update.error);
  if (!mayRead) return null;

  return (
    <Card>
      <CardHeader title="Sign-in policy" description="How the people of this organization sign in." />
      <div className="p-4">
        <QueryState query={policy}>
          {(current) => (
            <Form
              label="Sign-in policy"
              className="max-w-lg"
              error={update.error}
              onSubmit={(v) =>
                update.mutate(
                  {
                    sign_in_provider: v.sign_in_provider ?? "",
                    sign_in_domains: (v.sign_in_domains ?? "").split(/[\s,]+/).filter(Boolean),
                    require_two_factor: v.require_two_factor === "on",
                    sso_only: v.sso_only === "on",
                    auto_join: v.auto_join === "on",
                  },
                  { onSuccess: () => toast.success("Sign-in policy saved") },
                )
              }
            >
              <fieldset disabled={!mayManage} className="space-y-4">
                <SelectField label="Your identity provider" name="sign_in_provider" defaultValue={current.sign_in_provider} error={errors.sign_in_provider}>
                  <option value="">None</option>
                  {(providers.data?.providers ?? []).map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.name}
                    </option>
                  ))}
                </SelectField>
                <TextField
                  label="Email domains"
                  name="sign_in_domains"
                  defaultValue={current.sign_in_domains?.join(", ")}
                  error={errors.sign_in_domains}
                  hint="Your people's addresses, e.g. example.com (comma-separated)."
                />
                <Check
                  name="require_two_factor"
                  label="Require two-factor for owners and admins"
                  hint="Or your identity provider linked to their account."
                  defaultChecked={current.require_two_factor ?? false}
                />
                <Check name="sso_only" label="Sign in only through your identity provider" hint="Members' passwords are refused." defaultChecked={current.sso_only ?? false} />
                <Check
                  name="auto_join"
                  label="New people of your domains join as members"
                  hint="On their first sign-in through your identity provider."
                  defaultChecked={current.auto_join ?? false}
                />
                {mayManage && (
                  <Button type="submit" pending={update.isPending}>
                    Save sign-in policy
                  </Button>
                )}
              </fieldset>
            </Form>
          )}
        </QueryState>
      </div>
    </Card>
  );
}
