import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { PageHeader } from "@/components/ui/page-header";
import { usePeopleChoices } from "@/features/sessions/api/get-filter-options";
import { useRevokePersonSessions } from "@/features/sessions/api/revoke-person-sessions";
import { OrgSessions } from "@/features/sessions/components/org-sessions";
import { toast } from "@/lib/toast";

/** A person's page: the seats they hold now, their history, and "revoke all". */
export function PersonSessions({ org, userId, canRevoke }: { org: string; userId: string; canRevoke: boolean }) {
  const people = usePeopleChoices(org);
  const person = people.data?.results.find((m) => m.user_id === userId);
  const revoke = useRevokePersonSessions(org);
  return (
    <div className="space-y-6">
      <PageHeader
        title={person ? person.name || person.email : "Person"}
        description={person ? `${person.email} · ${person.role}` : "No longer a member of this organization."}
        actions={
          canRevoke && (
            <ConfirmButton
              trigger="Revoke all sessions"
              title="End every live session of this person?"
              description="Their seats are freed at once; each of their clients is told at its next heartbeat."
              confirmLabel="Revoke all"
              onConfirm={() =>
                revoke.mutateAsync(userId).then((r) => toast.success(`${r.sessions_ended} session(s) ended`))
              }
            />
          )
        }
      />
      <section aria-label="Held now" className="space-y-2">
        <h2 className="text-sm font-semibold text-slate-700">Held now</h2>
        <OrgSessions org={org} canRevoke={canRevoke} fixed={{ user: userId, status: "active" }} label="Live sessions" />
      </section>
      <section aria-label="History" className="space-y-2">
        <h2 className="text-sm font-semibold text-slate-700">History</h2>
        <OrgSessions org={org} canRevoke={false} fixed={{ user: userId }} label="Session history" />
      </section>
    </div>
  );
}
