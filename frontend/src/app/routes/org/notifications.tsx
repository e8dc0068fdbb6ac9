import { PageHeader } from "@/components/ui/page-header";
import { NotificationPreferencesForm } from "@/features/notifications/components/notification-preferences";
import { can } from "@/lib/authorization";
import { useCurrentOrg } from "@/lib/current-org";

export function NotificationsRoute() {
  const org = useCurrentOrg();
  return (
    <>
      <PageHeader title="Notifications" />
      <NotificationPreferencesForm org={org.slug} emailed={can(org.role, "members.manage")} />
    </>
  );
}
