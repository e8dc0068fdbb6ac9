import { AuthLayout } from "@/components/layouts/auth-layout";
import { ProviderCallback } from "@/features/auth/components/provider-callback";

export function ProviderCallbackRoute() {
  return (
    <AuthLayout title="Signing in">
      <ProviderCallback />
    </AuthLayout>
  );
}
