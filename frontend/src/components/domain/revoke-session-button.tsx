import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { useRevokeSession } from "@/lib/api/revoke-session";
import { toast } from "@/lib/toast";

/** Ends a live session after a confirmation: its client loses the seat now. */
export function RevokeSessionButton({ org, session }: { org: string; session: { id: string; hardware_id: string } }) {
  const revoke = useRevokeSession(org);
  return (
    <ConfirmButton
      trigger={<>Revoke <span className="sr-only">session of {session.hardware_id}</span></>}
      title="Revoke this session?"
      description={`The client on ${session.hardware_id} loses its seat now; its next heartbeat is refused and it must acquire again.`}
      confirmLabel="Revoke session"
      onConfirm={() =>
        revoke.mutateAsync(session.id).then(() => toast.success("Session revoked", `${session.hardware_id} no longer holds a seat.`))
      }
    />
  );
}
