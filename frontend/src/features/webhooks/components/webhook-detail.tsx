import { useMemo, useState } from "react";
import { useNavigate } from "react-router";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { ConfirmButton } from "@/components/ui/confirm-dialog";
import { columnHelper, DataTable, timeKey } from "@/components/ui/data-table";
import { Dialog, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { fieldErrors, Form, TextField } from "@/components/ui/form";
import { Pagination, PAGE_SIZE } from "@/components/ui/pagination";
import { SecretReveal } from "@/components/ui/secret-reveal";
import { EmptyState, QueryState } from "@/components/ui/states";
import { RelativeTime } from "@/components/ui/table-cells";
import { useDeleteWebhook } from "@/features/webhooks/api/delete-webhook";
import { useWebhook } from "@/features/webhooks/api/get-webhook";
import { useWebhookDeliveries, type WebhookDelivery } from "@/features/webhooks/api/get-webhook-deliveries";
import type { Webhook } from "@/features/webhooks/api/get-webhooks";
import { useRedeliverWebhook } from "@/features/webhooks/api/redeliver-webhook";
import { useRotateWebhookSecret } from "@/features/webhooks/api/rotate-webhook-secret";
import { useSendTestWebhook } from "@/features/webhooks/api/send-test-webhook";
import { useUpdateWebhook } from "@/features/webhooks/api/update-webhook";
import { checkedEventTypes, EventTypeChoices, SECRET_NOTE, WebhookStatus } from "@/features/webhooks/components/webhooks";
import { errorMessage } from "@/lib/api-error";
import { formatDateTime } from "@/lib/format";
import { toast } from "@/lib/toast";
import { useMutationDialog } from "@/lib/use-mutation-dialog";

function RotateSecretDialog({ org, webhook }: { org: string; webhook: Webhook }) {
  const rotate = useRotateWebhookSecret(org, webhook.id);
  const { open, onOpenChange } = useMutationDialog(rotate);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant="secondary">Rotate secret</Button>
      </DialogTrigger>
      {rotate.data ? (
        <DialogContent title="New signing secret" description="Requests carry both signatures for a day: update your receiver within that time.">
          <SecretReveal label="Signing secret" value={rotate.data.secret} what="signing secret" note={SECRET_NOTE} />
          <DialogFooter>
            <Button onClick={() => onOpenChange(false)}>I have copied the secret</Button>
          </DialogFooter>
        </DialogContent>
      ) : (
        <DialogContent title="Rotate the signing secret?" description="A new secret signs from now on; the current one keeps signing too for a day.">
          {rotate.error != null && (
            <p role="alert" className="text-sm text-red-700">
              {errorMessage(rotate.error)}
            </p>
          )}
          <DialogFooter>
            <Button variant="secondary" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button pending={rotate.isPending} onClick={() => rotate.mutate()}>
              Rotate secret
            </Button>
          </DialogFooter>
        </DialogContent>
      )}
    </Dialog>
  );
}

function EditWebhookDialog({ org, webhook }: { org: string; webhook: Webhook }) {
  const update = useUpdateWebhook(org, webhook.id);
  const errors = fieldErrors(update.error);
  const { open, onOpenChange } = useMutationDialog(update);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant="secondary">Edit</Button>
      </DialogTrigger>
      <DialogContent title="Edit endpoint" description="Events already sent are not affected.">
        <Form
          label="Edit endpoint"
          error={update.error}
          onSubmit={(v, form) =>
            update.mutate(
              { url: v.url, description: v.description ?? "", event_types: checkedEventTypes(form) },
              { onSuccess: () => (toast.success("Endpoint saved", v.url ?? ""), onOpenChange(false)) },
            )
          }
        >
          <TextField label="URL" name="url" type="url" required defaultValue={webhook.url} error={errors.url} />
          <TextField label="Description" name="description" defaultValue={webhook.description} error={errors.description} />
          <EventTypeChoices org={org} selected={webhook.event_types} />
          <DialogFooter>
            <Button variant="secondary" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" pending={update.isPending}>
              Save
            </Button>
          </DialogFooter>
        </Form>
      </DialogContent>
    </Dialog>
  );
}

const STATUS_TONE = { succeeded: "green", pending: "amber", failed: "red" } as const;
const col = columnHelper<WebhookDelivery>();

function deliveryColumns(redeliver: (d: WebhookDelivery) => void, canRedeliver: boolean) {
  return col.columns([
    col.accessor("event_type", { header: "Event", cell: (c) => <code className="font-mono text-xs">{c.getValue()}</code> }),
    col.accessor("status", { header: "Status", cell: (c) => <Badge tone={STATUS_TONE[c.getValue()]}>{c.getValue()}</Badge> }),
    col.accessor("attempts", {
      header: "Attempts",
      cell: (c) => {
        const d = c.row.original;
        if (d.attempt_log.length === 0) return d.attempts;
        return (
          <details>
            <summary className="cursor-pointer">{d.attempts}</summary>
            <ul className="mt-1 space-y-1 text-xs">
              {d.attempt_log.map((a) => (
                <li key={a.number}>
                  #{a.number} {formatDateTime(a.started_at)}: {a.status_code ?? "no answer"} in {a.latency_ms} ms
                  {a.error && <span className="text-red-700"> ({a.error})</span>}
                  {a.response_excerpt && <pre className="mt-0.5 max-w-md truncate text-slate-500">{a.response_excerpt}</pre>}
                </li>
              ))}
            </ul>
          </details>
        );
      },
    }),
    col.accessor("last_status_code", { header: "Last answer", cell: (c) => c.getValue() ?? "—" }),
    col.accessor((d) => timeKey(d.created_at), { id: "created", header: "Created", cell: (c) => <RelativeTime value={c.row.original.created_at} /> }),
    col.accessor("webhook_id", { header: "webhook-id", cell: (c) => <code className="font-mono text-xs">{c.getValue()}</code> }),
    col.display({
      id: "actions",
      header: () => <span className="sr-only">Actions</span>,
      meta: { className: "text-right" },
      cell: (c) =>
        canRedeliver && c.row.original.status !== "pending" ? (
          <Button size="sm" variant="secondary" onClick={() => redeliver(c.row.original)}>
            Redeliver <span className="sr-only">{c.row.original.webhook_id}</span>
          </Button>
        ) : null,
    }),
  ]);
}

export function WebhookDeliveries({ org, webhook }: { org: string; webhook: Webhook }) {
  const [page, setPage] = useState(1);
  const deliveries = useWebhookDeliveries(org, webhook.id, page, PAGE_SIZE);
  const redeliver = useRedeliverWebhook(org, webhook.id).mutate;
  const sendTest = useSendTestWebhook(org, webhook.id);
  const columns = useMemo(
    () =>
      deliveryColumns(
        (d) => redeliver(d.id, { onSuccess: () => toast.success("Delivery queued again", d.event_type), onError: (e) => toast.error("Could not redeliver", errorMessage(e)) }),
        webhook.is_enabled !== false,
      ),
    [redeliver, webhook.is_enabled],
  );
  return (
    <Card>
      <CardHeader
        title="Delivery log"
        description="Every event sent to this endpoint, with each attempt's answer."
        actions={
          <Button
            variant="secondary"
            disabled={!webhook.is_enabled}
            pending={sendTest.isPending}
            onClick={() =>
              sendTest.mutate(undefined, {
                onSuccess: () => toast.success("Test event queued", webhook.url),
                onError: (e) => toast.error("Could not send a test event", errorMessage(e)),
              })
            }
          >
            Send test event
          </Button>
        }
      />
      <QueryState
        query={deliveries}
        loadingLabel="Loading deliveries"
        isEmpty={(d) => d.results.length === 0}
        empty={<EmptyState title="No deliveries yet">Send a test event to see one.</EmptyState>}
      >
        {(data) => (
          <>
            <DataTable label="Deliveries" data={data.results} columns={columns} getRowId={(d) => d.id} />
            <Pagination page={page} count={data.count} onPage={setPage} />
          </>
        )}
      </QueryState>
    </Card>
  );
}

/** One endpoint: its settings, actions and delivery log. */
export function WebhookDetail({ org, id, canManage }: { org: string; id: string; canManage: boolean }) {
  const webhook = useWebhook(org, id);
  const update = useUpdateWebhook(org, id);
  const remove = useDeleteWebhook(org);
  const navigate = useNavigate();
  return (
    <QueryState query={webhook} loadingLabel="Loading endpoint">
      {(w) => (
        <div className="space-y-6">
          <Card>
            <CardHeader
              title={w.url}
              description={w.description || undefined}
              actions={
                canManage && (
                  <>
                    <EditWebhookDialog org={org} webhook={w} />
                    <Button
                      variant="secondary"
                      pending={update.isPending}
                      onClick={() =>
                        update.mutate(
                          { is_enabled: !w.is_enabled },
                          { onSuccess: (n) => toast.success(n.is_enabled ? "Endpoint enabled" : "Endpoint disabled", n.url) },
                        )
                      }
                    >
                      {w.is_enabled ? "Disable" : "Enable"}
                    </Button>
                    <RotateSecretDialog org={org} webhook={w} />
                    <ConfirmButton
                      trigger="Delete"
                      triggerVariant="danger"
                      title="Delete this endpoint?"
                      description="Its delivery log goes too; events are no longer sent to it."
                      confirmLabel="Delete endpoint"
                      onConfirm={() => remove.mutateAsync(w.id).then(() => navigate(`/orgs/${org}/webhooks`))}
                    />
                  </>
                )
              }
            />
            <dl className="grid gap-3 px-4 py-3 text-sm sm:grid-cols-2">
              <div>
                <dt className="text-slate-500">Status</dt>
                <dd>
                  <WebhookStatus webhook={w} />
                  {w.failing_since && <span className="ml-2 text-xs text-slate-500">failing since {formatDateTime(w.failing_since)} ({w.consecutive_failures} attempts)</span>}
                </dd>
              </div>
              <div>
                <dt className="text-slate-500">Signing secret</dt>
                <dd>
                  <code className="font-mono text-xs">{w.secret_prefix}…</code>
                  {w.previous_secret_expires_at && <span className="ml-2 text-xs text-slate-500">previous secret signs until {formatDateTime(w.previous_secret_expires_at)}</span>}
                </dd>
              </div>
              <div className="sm:col-span-2">
                <dt className="text-slate-500">Events</dt>
                <dd className="font-mono text-xs">{w.event_types.join(", ")}</dd>
              </div>
            </dl>
          </Card>
          <WebhookDeliveries org={org} webhook={w} />
        </div>
      )}
    </QueryState>
  );
}
