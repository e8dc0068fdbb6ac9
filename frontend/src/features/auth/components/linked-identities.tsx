import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { QueryState } from "@/components/ui/states";
import { useProviders } from "@/lib/api/sign-in-providers";
import { useIdentities, useRemoveIdentity } from "@/features/auth/api/identities";
import { useStartProviderFlow } from "@/features/auth/api/provider-flow";
import { errorMessage } from "@/lib/api-error";
import { formatDateTime } from "@/lib/format";

/** The provider accounts that sign this person in, and buttons to link more. */
export function LinkedIdentities() {
  const identities = useIdentities();
  const providers = useProviders();
  const remove = useRemoveIdentity();
  const start = useStartProviderFlow();
  const offered = providers.data?.providers ?? [];
  const nameOf = (id: string) => offered.find((p) => p.id === id)?.name ?? id;

  return (
    <Card>
      <CardHeader
        title="Sign-in providers"
        description="Accounts at Google, GitHub or your company's provider that sign you in here."
        actions={offered.map((provider) => (
          <Button
            key={provider.id}
            size="sm"
            variant="secondary"
            pending={start.isPending && start.variables?.provider === provider.id}
            onClick={() => start.mutate({ intent: "link", provider: provider.id, next: "/account" })}
          >
            Link {provider.name}
          </Button>
        ))}
      />
      <div className="p-4">
        {start.error != null && (
          <p role="alert" className="mb-3 text-sm text-red-700">
            {errorMessage(start.error)}
          </p>
        )}
        <QueryState
          query={identities}
          isEmpty={(list) => list.length === 0}
          empty={<p className="text-sm text-slate-500">No provider account is linked.</p>}
        >
          {(list) => (
            <ul className="divide-y divide-slate-200" aria-label="Linked accounts">
              {list.map((identity) => (
                <li key={identity.id} className="flex items-center justify-between gap-3 py-2 text-sm">
                  <span>
                    <strong>{nameOf(identity.provider)}</strong> {identity.email}
                    <span className="ml-2 text-slate-500">
                      {identity.last_used_at ? `last used ${formatDateTime(identity.last_used_at)}` : "not used yet"}
                    </span>
                  </span>
                  <ConfirmButton
                    trigger="Unlink"
                    title={`Unlink ${nameOf(identity.provider)}?`}
                    description="You can no longer sign in with this account. You can link it again later."
                    confirmLabel="Unlink"
                    onConfirm={() => remove.mutateAsync(identity.id)}
                  />
                </li>
              ))}
            </ul>
          )}
        </QueryState>
      </div>
    </Card>
  );
}
