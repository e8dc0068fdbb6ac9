import { PlainLayout } from "@/components/layouts/app-layout";
import { PageHeader } from "@/components/ui/page-header";
import { AccountSettings } from "@/features/auth/components/account-settings";
import { SignedInDevices } from "@/features/devices/components/signed-in-devices";

export function AccountRoute() {
  return (
    <PlainLayout>
      <PageHeader title="Account settings" />
      <div className="space-y-6">
        <AccountSettings />
        <SignedInDevices />
      </div>
    </PlainLayout>
  );
}
