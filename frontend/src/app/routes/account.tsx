import { PlainLayout } from "@/components/layouts/app-layout";
import { PageHeader } from "@/components/ui/page-header";
import { AccountSettings } from "@/features/auth/components/account-settings";

export function AccountRoute() {
  return (
    <PlainLayout>
      <PageHeader title="Account settings" />
      <AccountSettings />
    </PlainLayout>
  );
}
