import { Button } from "@/components/ui/button";
import { useProviders } from "@/lib/api/sign-in-providers";
import { useStartProviderFlow } from "@/features/auth/api/provider-flow";
import { errorMessage } from "@/lib/api-error";

/** "Continue with …" for each provider the server offers; nothing when it offers none. */
export function ProviderButtons({ next }: { next: string }) {
  const providers = useProviders();
  const start = useStartProviderFlow();
  const offered = providers.data?.providers ?? [];
  if (!offered.length) return null;
  return (
    <div className="mb-6 space-y-2">
      {offered.map((provider) => (
        <Button
          key={provider.id}
          variant="secondary"
          className="w-full"
          pending={start.isPending && start.variables?.provider === provider.id}
          onClick={() => start.mutate({ intent: "sign_in", provider: provider.id, next })}
        >
          Continue with {provider.name}
        </Button>
      ))}
      {start.error != null && (
        <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
          {errorMessage(start.error)}
        </p>
      )}
      <p className="pt-2 text-center text-xs tracking-wide text-slate-500 uppercase">or with your email</p>
    </div>
  );
}
