import { useParams } from "react-router";

import { NotFound } from "@/app/routes/not-found";
import { PageHeader } from "@/components/ui/page-header";
import { WebhookDetail } from "@/features/webhooks/components/webhook-detail";
import { CreateWebhookDialog, WebhooksList } from "@/features/webhooks/components/webhooks";
import { can } from "@/lib/authorization";
import { useCurrentOrg } from "@/lib/current-org";

export function WebhooksRoute() {
  const org = useCurrentOrg();
  if (!can(org.role, "webhooks.read")) return <NotFound />;
  return (
    <>
      <PageHeader
        title="Webhooks"
        description="CODITECT tells your systems what happens to licenses, seats and members: signed requests (Standard Webhooks), retried for up to three days."
        actions={can(org.role, "webhooks.manage") ? <CreateWebhookDialog org={org.slug} /> : undefined}
      />
      <WebhooksList org={org.slug} />
    </>
  );
}

export function WebhookRoute() {
  const org = useCurrentOrg();
  const { endpointId = "" } = useParams();
  if (!can(org.role, "webhooks.read")) return <NotFound />;
  return (
    <>
      <PageHeader title="Webhook endpoint" />
      <WebhookDetail org={org.slug} id={endpointId} canManage={can(org.role, "webhooks.manage")} />
    </>
  );
}
