import { PlainLayout } from "@/components/layouts/app-layout";
import { Card } from "@/components/ui/card";
import { CreateOrgForm } from "@/features/orgs/components/create-org-form";
import { membershipsOf, useMe } from "@/lib/auth";

export function CreateOrgRoute() {
  const { data: me } = useMe();
  const first = membershipsOf(me).length === 0;
  return (
    <PlainLayout>
      <Card className="mx-auto max-w-md p-6">
        <h1 className="text-xl font-semibold text-slate-900">{first ? "Create your organization" : "Create an organization"}</h1>
        <p className="mt-1 mb-6 text-sm text-slate-600">Licenses, projects and members belong to an organization. You will be its owner.</p>
        <CreateOrgForm />
      </Card>
    </PlainLayout>
  );
}
