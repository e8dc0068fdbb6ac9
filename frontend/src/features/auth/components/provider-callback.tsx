import { useEffect, useRef } from "react";
import { Link, useNavigate, useParams, useSearchParams } from "react-router";

import { FullPageSpinner } from "@/components/ui/states";
import { takeFlow, useFinishProviderLink, useFinishProviderSignIn } from "@/features/auth/api/provider-flow";
import { errorMessage } from "@/lib/api-error";
import { safeNext } from "@/lib/auth";
import { toast } from "@/lib/toast";

/**
 * Where a provider sends the browser back: hand its code and state to the server
 * (which checks the state against this browser's session), then go on.
 */
export function ProviderCallback() {
  const { provider = "" } = useParams();
  const [params] = useSearchParams();
  const navigate = useNavigate();
  const signIn = useFinishProviderSignIn();
  const link = useFinishProviderLink();
  const sent = useRef(false);
  const denied = params.get("error");

  useEffect(() => {
    // Once: a code works once, and React may run effects twice in development.
    if (sent.current || denied) return;
    sent.current = true;
    const flow = takeFlow(provider);
    const redirect = { provider, code: params.get("code") ?? "", state: params.get("state") ?? "" };
    if (flow?.intent === "link") {
      link.mutate(redirect, {
        onSuccess: () => {
          toast.success("Account linked");
          navigate("/account", { replace: true });
        },
      });
    } else {
      signIn.mutate(redirect, { onSuccess: () => navigate(safeNext(flow?.next), { replace: true }) });
    }
  }, [provider, params, denied, signIn, link, navigate]);

  const error = denied ? `The provider did not sign you in (${denied}).` : signIn.error ?? link.error;
  if (!error) return <FullPageSpinner label="Signing you in" />;
  return (
    <div className="space-y-4">
      <p role="alert" className="rounded-md border border-red-200 bg-red-50 px-3 py-2 text-sm text-red-800">
        {typeof error === "string" ? error : errorMessage(error)}
      </p>
      <Link to={link.error ? "/account" : "/sign-in"} className="text-sm font-medium text-brand-700 hover:underline">
        {link.error ? "Back to your account" : "Back to sign in"}
      </Link>
    </div>
  );
}
