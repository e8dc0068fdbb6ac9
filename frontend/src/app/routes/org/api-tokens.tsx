import { PageHeader } from "@/components/ui/page-header";
import { ApiTokensList, CreateApiTokenDialog } from "@/features/api-tokens/components/api-tokens";
import { NotFound } from "@/app/routes/not-found";
import { can } from "@/lib/authorization";
import { useCurrentOrg } from "@/lib/current-org";

export function ApiTokensRoute() {
  const org = useCurrentOrg();
  if (!can(org.role, "tokens.read")) return <NotFound />;
  return (
    <>
      <PageHeader
        title="API tokens"
        description="Tokens let scripts and CI call the API for this organization with a fixed role."
        actions={can(org.role, "tokens.manage") ? <CreateApiTokenDialog org={org.slug} actorRole={org.role} /> : undefined}
      />
      <ApiTokensList org={org.slug} />
    </>
  );
}
