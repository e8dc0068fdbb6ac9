import { Badge } from "@/components/ui/badge";
import { Card, CardHeader } from "@/components/ui/card";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { QueryState } from "@/components/ui/states";
import { useDeviceSignIns, useRevokeDeviceSignIn } from "@/features/devices/api/device-sign-in";
import { formatDateTime } from "@/lib/format";

/** The command-line clients this person signed in, and a way to end any of them. */
export function SignedInDevices() {
  const devices = useDeviceSignIns();
  const revoke = useRevokeDeviceSignIn();
  return (
    <Card>
      <CardHeader title="Signed-in devices" description="Terminals where you ran coditect-license login and approved the code." />
      <div className="p-4">
        <QueryState
          query={devices}
          isEmpty={(list) => list.length === 0}
          empty={<p className="text-sm text-slate-500">No terminal is signed in.</p>}
        >
          {(list) => (
            <ul className="divide-y divide-slate-200" aria-label="Signed-in devices">
              {list.map((device) => (
                <li key={device.id} className="flex items-center justify-between gap-3 py-2 text-sm">
                  <span>
                    <strong>{String(device.device_info.hostname ?? "unknown host")}</strong>{" "}
                    <span className="text-slate-500">
                      {String(device.device_info.platform ?? "")} · CLI {String(device.device_info.client_version ?? "?")} · signed in{" "}
                      {formatDateTime(device.created_at)}
                      {device.rotated_at && ` · last used ${formatDateTime(device.rotated_at)}`}
                    </span>
                  </span>
                  {device.revoked_at ? (
                    <Badge tone="slate">Revoked</Badge>
                  ) : (
                    <ConfirmButton
                      trigger="Revoke"
                      title={`Revoke the sign-in on ${String(device.device_info.hostname ?? "this device")}?`}
                      description="That terminal is signed out at once and can no longer take seats in your name."
                      confirmLabel="Revoke"
                      onConfirm={() => revoke.mutateAsync(device.id)}
                    />
                  )}
                </li>
              ))}
            </ul>
          )}
        </QueryState>
      </div>
    </Card>
  );
}
