import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { useRevokeSession } from "@/lib/api/revoke-session";
import { toast } from "@/lib/toast";

type RevocableSession = { id: string; hardware_id: string; borrowed_until?: string | null };

/** What revoking does, said honestly: a borrowed seat's token is already on the machine. */
function revokeDescription(session: RevocableSession): string {
  if (session.borrowed_until) {
    const until = new Date(session.borrowed_until).toLocaleString();
    return `This seat is borrowed for offline use. Revoking frees the seat now and stops renewals, but the token already on ${session.hardware_id} stays valid until ${until}: an offline token cannot be recalled.`;
  }
  return `The client on ${session.hardware_id} loses its seat now; its next heartbeat is refused and it must acquire again.`;
}

/** Ends a live session after a confirmation: its client loses the seat now. */
export function RevokeSessionButton({ org, session }: { org: string; session: RevocableSession }) {
  const revoke = useRevokeSession(org);
  return (
    <ConfirmButton
      trigger={<>Revoke <span className="sr-only">session of {session.hardware_id}</span></>}
      title={session.borrowed_until ? "Revoke this borrowed seat?" : "Revoke this session?"}
      description={revokeDescription(session)}
      confirmLabel="Revoke session"
      onConfirm={() =>
        revoke.mutateAsync(session.id).then(() => toast.success("Session revoked", `${session.hardware_id} no longer holds a seat.`))
      }
    />
  );
}
