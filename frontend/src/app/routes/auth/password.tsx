import { AuthLayout } from "@/components/layouts/auth-layout";
import { ForgotPasswordForm, ResetPasswordForm } from "@/features/auth/components/password-reset";

export function ForgotPasswordRoute() {
  return (
    <AuthLayout title="Reset your password">
      <ForgotPasswordForm />
    </AuthLayout>
  );
}

export function ResetPasswordRoute() {
  return (
    <AuthLayout title="Choose a new password">
      <ResetPasswordForm />
    </AuthLayout>
  );
}
