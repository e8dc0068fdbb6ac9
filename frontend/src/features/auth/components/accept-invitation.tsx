import { Link, useNavigate, useSearchParams } from "react-router";

import { Button } from "@/components/ui/button";
import { fieldErrors, Form, TextField } from "@/components/ui/form";
import { useAcceptInvitation } from "@/features/auth/api/accept-invitation";
import { ApiError } from "@/lib/api-error";
import { useMe, useSessionStatus, useSignIn } from "@/lib/auth";
import { toast } from "@/lib/toast";

/** `/accept-invitation?token=…`: join as the signed-in user, or create an account. */
export function AcceptInvitation() {
  const [params] = useSearchParams();
  const token = params.get("token") ?? "";
  const status = useSessionStatus();
  const me = useMe();
  const accept = useAcceptInvitation();
  const signIn = useSignIn();
  const navigate = useNavigate();
  const errors = fieldErrors(accept.error);
  const here = `/accept-invitation?token=${encodeURIComponent(token)}`;

  if (!token) {
    return (
      <p role="alert" className="text-sm text-red-700">
        This invitation link is incomplete. Ask whoever invited you to send it again.
      </p>
    );
  }

  const joined = (org: { slug: string; name: string }) => {
    toast.success("Welcome", `You joined ${org.name}.`);
    navigate(`/orgs/${org.slug}`, { replace: true });
  };
  const signInHere = (
    <Link to={`/sign-in?next=${encodeURIComponent(here)}`} className="font-medium text-brand-700 underline underline-offset-2 hover:no-underline">
      Sign in to accept
    </Link>
  );

  if (status === "signed-in") {
    return (
      <Form label="Accept the invitation" error={accept.error} onSubmit={() => accept.mutate({ token }, { onSuccess: (a) => joined(a.organization) })}>
        <p className="text-sm text-slate-700">
          Join the organization as <strong>{me.data?.email ?? "…"}</strong>.
        </p>
        <Button type="submit" className="w-full" pending={accept.isPending}>
          Accept invitation
        </Button>
      </Form>
    );
  }

  return (
    <>
      <p className="mb-4 text-sm text-slate-700">
        Have an account? {signInHere}. Otherwise, create one:
      </p>
      {accept.error instanceof ApiError && accept.error.code === "sign_in_required" && (
        <p role="alert" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          An account with the invited email already exists. {signInHere}.
        </p>
      )}
      <Form
        label="Create your account"
        error={accept.error}
        onSubmit={(v) =>
          accept.mutate(
            { token, name: v.name ?? "", password: v.password ?? "" },
            {
              // The account now exists: sign in with what was just typed, then open the organization.
              onSuccess: (a) =>
                signIn.mutate({ email: a.email, password: v.password ?? "" }, { onSuccess: () => joined(a.organization) }),
            },
          )
        }
      >
        <TextField label="Name" name="name" autoComplete="name" error={errors.name} />
        <TextField label="Password" name="password" type="password" autoComplete="new-password" required error={errors.password} />
        <Button type="submit" className="w-full" pending={accept.isPending || signIn.isPending}>
          Create account and join
        </Button>
      </Form>
    </>
  );
}
