import { PlainLayout } from "@/components/layouts/app-layout";
import { PageHeader } from "@/components/ui/page-header";
import { DeviceApproval } from "@/features/devices/components/device-approval";

export function DeviceRoute() {
  return (
    <PlainLayout>
      <PageHeader title="Sign in a terminal" />
      <DeviceApproval />
    </PlainLayout>
  );
}
