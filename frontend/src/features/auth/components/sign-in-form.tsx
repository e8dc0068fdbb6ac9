import { Link, useLocation, useNavigate, useSearchParams } from "react-router";

import { Button } from "@/components/ui/button";
import { fieldErrors, Form, TextField } from "@/components/ui/form";
import { useTwoFactorSignIn } from "@/features/auth/api/two-factor";
import { ProviderButtons } from "@/features/auth/components/provider-buttons";
import { ApiError } from "@/lib/api-error";
import { safeNext, useSignIn } from "@/lib/auth";

/** The password was right and two-factor is on: the token for the second step. */
function mfaTokenOf(error: unknown): string | null {
  if (!(error instanceof ApiError) || error.code !== "two_factor_required") return null;
  const token = error.details.mfa_token;
  return typeof token === "string" ? token : null;
}

function TwoFactorStep({ mfaToken, onDone }: { mfaToken: string; onDone: () => void }) {
  const second = useTwoFactorSignIn();
  return (
    <Form
      label="Two-factor code"
      error={second.error}
      onSubmit={(v) => second.mutate({ mfa_token: mfaToken, code: v.code ?? "" }, { onSuccess: onDone })}
    >
      <p className="text-sm text-slate-600">Enter the 6-digit code from your authenticator app, or one of your recovery codes.</p>
      <TextField label="Code" name="code" autoComplete="one-time-code" inputMode="text" required autoFocus />
      <Button type="submit" className="w-full" pending={second.isPending}>
        Verify
      </Button>
    </Form>
  );
}

export function SignInForm() {
  const signIn = useSignIn();
  const navigate = useNavigate();
  const location = useLocation();
  const [params] = useSearchParams();
  const next = safeNext(params.get("next"));
  const expired = (location.state as { expired?: boolean } | null)?.expired;
  const errors = fieldErrors(signIn.error);
  const keepNext = params.get("next") ? `?next=${encodeURIComponent(next)}` : "";
  const mfaToken = mfaTokenOf(signIn.error);
  const done = () => navigate(next, { replace: true });

  if (mfaToken) return <TwoFactorStep mfaToken={mfaToken} onDone={done} />;

  return (
    <>
      {expired && (
        <p role="status" className="mb-4 rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
          Your session has expired. Sign in again to continue where you were.
        </p>
      )}
      <ProviderButtons next={next} />
      <Form
        label="Sign in"
        error={signIn.error}
        onSubmit={(v) =>
          signIn.mutate({ email: v.email ?? "", password: v.password ?? "" }, { onSuccess: done })
        }
      >
        <TextField label="Email" name="email" type="email" autoComplete="email" required error={errors.email} />
        <TextField label="Password" name="password" type="password" autoComplete="current-password" required error={errors.password} />
        <Button type="submit" className="w-full" pending={signIn.isPending}>
          Sign in
        </Button>
      </Form>
      <div className="mt-6 flex flex-col gap-2 text-center text-sm text-slate-600">
        <Link to="/forgot-password" className="text-brand-700 hover:underline">
          Forgot your password?
        </Link>
        <p>
          New here?{" "}
          <Link to={`/register${keepNext}`} className="font-medium text-brand-700 underline underline-offset-2 hover:no-underline">
            Create an account
          </Link>
        </p>
      </div>
    </>
  );
}
