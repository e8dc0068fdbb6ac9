import { Card, CardHeader } from "@/components/ui/card";
import { QueryState } from "@/components/ui/states";
import { useNotificationPreferences, type NotificationPreferences } from "@/features/notifications/api/get-notification-preferences";
import { useUpdateNotificationPreferences } from "@/features/notifications/api/update-notification-preferences";
import { errorMessage } from "@/lib/api-error";
import { toast } from "@/lib/toast";

const KINDS: { key: keyof NotificationPreferences; label: string; hint: string }[] = [
  { key: "utilization", label: "Seat utilization", hint: "A license reaches 80, 90 or 100 % of its seats." },
  { key: "denials_digest", label: "Daily denials digest", hint: "How many seat requests were refused yesterday, per license." },
  { key: "license_expiring", label: "License expiring", hint: "A license expires within two weeks." },
  { key: "endpoint_disabled", label: "Webhook endpoint disabled", hint: "An endpoint failed for too long and was turned off." },
];

/** The signed-in person's emails from this organization (owners and admins get them). */
export function NotificationPreferencesForm({ org, emailed }: { org: string; emailed: boolean }) {
  const prefs = useNotificationPreferences(org);
  const update = useUpdateNotificationPreferences(org);
  return (
    <Card>
      <CardHeader
        title="Email notifications"
        description={emailed ? "Which emails you get about this organization." : "Only owners and admins are emailed; your choices apply if your role changes."}
      />
      <QueryState query={prefs} loadingLabel="Loading preferences">
        {(p) => (
          <ul className="divide-y divide-slate-200">
            {KINDS.map((k) => (
              <li key={k.key} className="flex items-start gap-3 px-4 py-3">
                <input
                  id={`pref-${k.key}`}
                  type="checkbox"
                  className="mt-1"
                  checked={p[k.key]}
                  disabled={update.isPending}
                  onChange={(e) =>
                    update.mutate(
                      { [k.key]: e.target.checked },
                      { onError: (err) => toast.error("Could not save", errorMessage(err)) },
                    )
                  }
                />
                <label htmlFor={`pref-${k.key}`} className="text-sm">
                  <span className="font-medium text-slate-900">{k.label}</span>
                  <span className="block text-slate-500">{k.hint}</span>
                </label>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </Card>
  );
}
