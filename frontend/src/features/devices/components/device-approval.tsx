import { useState } from "react";
import { useSearchParams } from "react-router";

import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Form, TextField } from "@/components/ui/form";
import { useDecideDevice, useLookupDevice } from "@/features/devices/api/device-sign-in";
import { useMe } from "@/lib/auth";
import { formatDateTime } from "@/lib/format";

/**
 * The verification page of the CLI's sign-in (RFC 8628): the person types the
 * code their terminal shows (or arrives with it in the address), sees what is
 * asking (hostname, platform, client version, address, when), and approves or
 * denies. Approving signs that CLI in as this person.
 */
export function DeviceApproval() {
  const [params] = useSearchParams();
  const { data: me } = useMe();
  const lookup = useLookupDevice();
  const decide = useDecideDevice();
  const [code, setCode] = useState(params.get("user_code") ?? "");
  const request = lookup.data;

  if (decide.isSuccess) {
    const approved = decide.variables.approve;
    return (
      <Card>
        <CardHeader title={approved ? "Signed in" : "Sign-in denied"} />
        <p role="status" className="p-4 text-sm text-slate-700">
          {approved
            ? `The CLI on ${String(request?.device_info.hostname ?? "that machine")} is now signed in as ${me?.email}. You can close this page and return to your terminal.`
            : "The CLI was refused. Nothing was signed in."}
        </p>
      </Card>
    );
  }

  return (
    <Card>
      <CardHeader
        title="Sign in a terminal"
        description="Enter the code that coditect-license login shows in your terminal."
      />
      <div className="space-y-4 p-4">
        <Form label="Device code" className="max-w-sm" error={lookup.error} onSubmit={(v) => lookup.mutate(v.user_code ?? "")}>
          <TextField
            label="Code"
            name="user_code"
            value={code}
            onChange={(e) => setCode(e.target.value.toUpperCase())}
            autoComplete="one-time-code"
            placeholder="BCDF-GHJK"
            required
          />
          <Button type="submit" pending={lookup.isPending}>
            Continue
          </Button>
        </Form>
        {request && (
          <section aria-label="Sign-in request" className="rounded-md border border-slate-200 p-4 text-sm">
            <p className="mb-2 font-medium text-slate-900">A command-line client asks to sign in as {me?.email}:</p>
            <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1">
              <dt className="text-slate-500">Hostname</dt>
              <dd>{String(request.device_info.hostname ?? "—")}</dd>
              <dt className="text-slate-500">Platform</dt>
              <dd>{String(request.device_info.platform ?? "—")}</dd>
              <dt className="text-slate-500">Client version</dt>
              <dd>{String(request.device_info.client_version ?? "—")}</dd>
              <dt className="text-slate-500">From address</dt>
              <dd>{request.ip_address ?? "—"}</dd>
              <dt className="text-slate-500">Asked at</dt>
              <dd>{formatDateTime(request.created_at)}</dd>
            </dl>
            {decide.error != null && (
              <p role="alert" className="mt-3 text-red-700">
                Could not record your answer; start again from your terminal.
              </p>
            )}
            <div className="mt-4 flex gap-3">
              <Button pending={decide.isPending && decide.variables?.approve} onClick={() => decide.mutate({ user_code: code, approve: true })}>
                Approve
              </Button>
              <Button variant="secondary" pending={decide.isPending && !decide.variables?.approve} onClick={() => decide.mutate({ user_code: code, approve: false })}>
                Deny
              </Button>
            </div>
          </section>
        )}
      </div>
    </Card>
  );
}
