import { useMemo, useState } from "react";
import { Link } from "react-router";

import { Badge } from "@/components/ui/badge";
import { Button } from "@/components/ui/button";
import { Card } from "@/components/ui/card";
import { columnHelper, DataTable, timeKey } from "@/components/ui/data-table";
import { Dialog, DialogContent, DialogFooter, DialogTrigger } from "@/components/ui/dialog";
import { fieldErrors, Form, TextField } from "@/components/ui/form";
import { Pagination, PAGE_SIZE } from "@/components/ui/pagination";
import { SecretReveal } from "@/components/ui/secret-reveal";
import { EmptyState, QueryState } from "@/components/ui/states";
import { useCreateWebhook } from "@/features/webhooks/api/create-webhook";
import { useWebhookEventTypes } from "@/features/webhooks/api/get-webhook-event-types";
import { useWebhooks, type Webhook } from "@/features/webhooks/api/get-webhooks";
import { formatDate } from "@/lib/format";
import { toast } from "@/lib/toast";
import { useMutationDialog } from "@/lib/use-mutation-dialog";

export const SECRET_NOTE =
  "It is shown only once. Your receiver verifies each request's webhook-signature with it (the standardwebhooks or svix libraries do this).";

/** Checkboxes of every event type; opt-in (high-volume) ones say so. */
export function EventTypeChoices({ org, selected }: { org: string; selected: string[] }) {
  const types = useWebhookEventTypes(org);
  return (
    <fieldset className="space-y-1">
      <legend className="text-sm font-medium text-slate-700">Events</legend>
      <label className="flex items-center gap-2 text-sm">
        <input type="checkbox" name="event_types" value="*" defaultChecked={selected.includes("*")} />
        <span>All events</span>
      </label>
      <QueryState query={types} loadingLabel="Loading event types">
        {(rows) => (
          <div className="grid max-h-64 gap-1 overflow-y-auto sm:grid-cols-2">
            {rows.map((t) => (
              <label key={t.type} className="flex items-start gap-2 text-sm" title={t.description}>
                <input type="checkbox" name="event_types" value={t.type} defaultChecked={selected.includes(t.type)} />
                <span>
                  <code className="font-mono text-xs">{t.type}</code>
                  {t.opt_in && <span className="ml-1 text-xs text-slate-500">(high volume)</span>}
                </span>
              </label>
            ))}
          </div>
        )}
      </QueryState>
    </fieldset>
  );
}

export function checkedEventTypes(form: HTMLFormElement): string[] {
  return new FormData(form).getAll("event_types").map(String);
}

export function CreateWebhookDialog({ org }: { org: string }) {
  const create = useCreateWebhook(org);
  const errors = fieldErrors(create.error);
  const { open, onOpenChange } = useMutationDialog(create);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button>New endpoint</Button>
      </DialogTrigger>
      {create.data ? (
        <DialogContent title="Endpoint created" description={create.data.url}>
          <SecretReveal label="Signing secret" value={create.data.secret} what="signing secret" note={SECRET_NOTE} />
          <DialogFooter>
            <Button onClick={() => onOpenChange(false)}>I have copied the secret</Button>
          </DialogFooter>
        </DialogContent>
      ) : (
        <DialogContent title="New webhook endpoint" description="CODITECT POSTs the events you choose to this https URL, signed.">
          <Form
            label="New webhook endpoint"
            error={create.error}
            onSubmit={(v, form) =>
              create.mutate(
                { url: v.url ?? "", description: v.description ?? "", event_types: checkedEventTypes(form) },
                { onSuccess: (w) => toast.success("Endpoint created", w.url) },
              )
            }
          >
            <TextField label="URL" name="url" type="url" required placeholder="https://erp.example.com/coditect" error={errors.url} />
            <TextField label="Description" name="description" autoComplete="off" error={errors.description} />
            <EventTypeChoices org={org} selected={[]} />
            {errors.event_types && <p className="text-sm text-red-700">{errors.event_types}</p>}
            <DialogFooter>
              <Button variant="secondary" onClick={() => onOpenChange(false)}>
                Cancel
              </Button>
              <Button type="submit" pending={create.isPending}>
                Create endpoint
              </Button>
            </DialogFooter>
          </Form>
        </DialogContent>
      )}
    </Dialog>
  );
}

export function WebhookStatus({ webhook }: { webhook: Webhook }) {
  if (!webhook.is_enabled)
    return <Badge tone={webhook.disabled_reason === "failing" ? "red" : "slate"}>{webhook.disabled_reason === "failing" ? "Disabled: failing" : "Disabled"}</Badge>;
  if (webhook.failing_since) return <Badge tone="amber">Failing</Badge>;
  return <Badge tone="green">Enabled</Badge>;
}

const col = columnHelper<Webhook>();

function webhookColumns(org: string) {
  return col.columns([
    col.accessor("url", {
      header: "URL",
      cell: (c) => (
        <Link to={`/orgs/${org}/webhooks/${c.row.original.id}`} className="font-medium break-all text-brand-700 hover:underline">
          {c.getValue()}
        </Link>
      ),
    }),
    col.accessor((w) => w.event_types.join(", "), { id: "events", header: "Events", cell: (c) => <span className="text-xs">{c.getValue()}</span> }),
    col.accessor((w) => (w.is_enabled ? (w.failing_since ? 1 : 2) : 0), { id: "status", header: "Status", cell: (c) => <WebhookStatus webhook={c.row.original} /> }),
    col.accessor((w) => timeKey(w.created_at), { id: "created", header: "Created", cell: (c) => formatDate(c.row.original.created_at) }),
  ]);
}

/** The organization's webhook endpoints. */
export function WebhooksList({ org }: { org: string }) {
  const [page, setPage] = useState(1);
  const webhooks = useWebhooks(org, page, PAGE_SIZE);
  const columns = useMemo(() => webhookColumns(org), [org]);
  return (
    <Card>
      <QueryState
        query={webhooks}
        loadingLabel="Loading webhook endpoints"
        isEmpty={(d) => d.results.length === 0}
        empty={<EmptyState title="No webhook endpoints">Add one to tell your systems when licenses, seats and members change.</EmptyState>}
      >
        {(data) => (
          <>
            <DataTable label="Webhook endpoints" data={data.results} columns={columns} getRowId={(w) => w.id} />
            <Pagination page={page} count={data.count} onPage={setPage} />
          </>
        )}
      </QueryState>
    </Card>
  );
}
