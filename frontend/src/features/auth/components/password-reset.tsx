import { Link, useSearchParams } from "react-router";

import { Button } from "@/components/ui/button";
import { fieldErrors, Form, TextField } from "@/components/ui/form";
import { useConfirmPasswordReset } from "@/features/auth/api/confirm-password-reset";
import { useRequestPasswordReset } from "@/features/auth/api/request-password-reset";

export function ForgotPasswordForm() {
  const request = useRequestPasswordReset();
  if (request.isSuccess) {
    return (
      <div role="status" className="space-y-4 text-sm text-slate-700">
        <p>If an account uses that address, an email with a link to choose a new password is on its way.</p>
        <Link to="/sign-in" className="font-medium text-brand-700 hover:underline">
          Back to sign in
        </Link>
      </div>
    );
  }
  return (
    <Form label="Reset your password" error={request.error} onSubmit={(v) => request.mutate({ email: v.email ?? "" })}>
      <TextField label="Email" name="email" type="email" autoComplete="email" required error={fieldErrors(request.error).email} />
      <Button type="submit" className="w-full" pending={request.isPending}>
        Send reset link
      </Button>
      <p className="text-center text-sm">
        <Link to="/sign-in" className="text-brand-700 hover:underline">
          Back to sign in
        </Link>
      </p>
    </Form>
  );
}

/** The page the reset email links to: `/reset-password?uid=…&token=…`. */
export function ResetPasswordForm() {
  const [params] = useSearchParams();
  const uid = params.get("uid") ?? "";
  const token = params.get("token") ?? "";
  const confirm = useConfirmPasswordReset();
  const errors = fieldErrors(confirm.error);

  if (!uid || !token) {
    return (
      <p role="alert" className="text-sm text-red-700">
        This reset link is incomplete. <Link to="/forgot-password" className="underline">Ask for a new one</Link>.
      </p>
    );
  }
  if (confirm.isSuccess) {
    return (
      <div role="status" className="space-y-4 text-sm text-slate-700">
        <p>Your password has been changed.</p>
        <Link to="/sign-in" className="font-medium text-brand-700 hover:underline">
          Sign in
        </Link>
      </div>
    );
  }
  const linkError = errors.token ?? errors.uid;
  return (
    <Form label="Choose a new password" error={confirm.error} onSubmit={(v) => confirm.mutate({ uid, token, new_password: v.new_password ?? "" })}>
      {linkError && (
        <p className="text-sm text-red-700">
          {linkError} <Link to="/forgot-password" className="underline">Ask for a new link</Link>.
        </p>
      )}
      <TextField label="New password" name="new_password" type="password" autoComplete="new-password" required error={errors.new_password} />
      <Button type="submit" className="w-full" pending={confirm.isPending}>
        Set password
      </Button>
    </Form>
  );
}
