import { Link, isRouteErrorResponse, useRouteError } from "react-router";

import { errorMessage } from "@/lib/api-error";

export function NotFound({ what = "page" }: { what?: string }) {
  return (
    <div className="flex min-h-full flex-col items-center justify-center gap-3 p-8 text-center">
      <h1 className="text-2xl font-semibold text-slate-900">No such {what}</h1>
      <p className="text-sm text-slate-600">It does not exist, or you are not a member of it.</p>
      <Link to="/" className="font-medium text-brand-700 hover:underline">
        Go to the dashboard
      </Link>
    </div>
  );
}

/** The router's error element: a crash becomes a page with a way back, not a blank screen. */
export function RouteError() {
  const error = useRouteError();
  if (isRouteErrorResponse(error) && error.status === 404) return <NotFound />;
  return (
    <div role="alert" className="flex min-h-full flex-col items-center justify-center gap-3 p-8 text-center">
      <h1 className="text-2xl font-semibold text-slate-900">Something went wrong</h1>
      <p className="text-sm text-slate-600">{errorMessage(error)}</p>
      <a href="/" className="font-medium text-brand-700 hover:underline">
        Reload the dashboard
      </a>
    </div>
  );
}
