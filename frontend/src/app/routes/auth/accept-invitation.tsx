import { AuthLayout } from "@/components/layouts/auth-layout";
import { AcceptInvitation } from "@/features/auth/components/accept-invitation";

export function AcceptInvitationRoute() {
  return (
    <AuthLayout title="Join an organization">
      <AcceptInvitation />
    </AuthLayout>
  );
}
