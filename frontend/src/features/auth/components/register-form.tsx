import { Link, useNavigate, useSearchParams } from "react-router";

import { Button } from "@/components/ui/button";
import { fieldErrors, Form, TextField } from "@/components/ui/form";
import { safeNext, useRegister } from "@/lib/auth";

export function RegisterForm() {
  const register = useRegister();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const rawNext = params.get("next");
  // A new account has no organization yet: create one, unless it came to accept an invitation.
  const next = rawNext ? safeNext(rawNext) : "/orgs/new";
  const errors = fieldErrors(register.error);

  return (
    <>
      <Form
        label="Create an account"
        error={register.error}
        onSubmit={(v) =>
          register.mutate(
            { email: v.email ?? "", password: v.password ?? "", name: v.name ?? "" },
            { onSuccess: () => navigate(next, { replace: true }) },
          )
        }
      >
        <TextField label="Name" name="name" autoComplete="name" error={errors.name} />
        <TextField label="Email" name="email" type="email" autoComplete="email" required error={errors.email} />
        <TextField
          label="Password"
          name="password"
          type="password"
          autoComplete="new-password"
          required
          error={errors.password}
          hint="At least 10 characters; not a common password."
        />
        <Button type="submit" className="w-full" pending={register.isPending}>
          Create account
        </Button>
      </Form>
      <p className="mt-6 text-center text-sm text-slate-600">
        Already have an account?{" "}
        <Link to={rawNext ? `/sign-in?next=${encodeURIComponent(next)}` : "/sign-in"} className="font-medium text-brand-700 underline underline-offset-2 hover:no-underline">
          Sign in
        </Link>
      </p>
    </>
  );
}
