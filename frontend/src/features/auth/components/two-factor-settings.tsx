import { useRef, useState } from "react";

import { Button } from "@/components/ui/button";
import { Card, CardHeader } from "@/components/ui/card";
import { Form, TextField } from "@/components/ui/form";
import { QueryState } from "@/components/ui/states";
import {
  useConfirmTotp,
  useDisableTwoFactor,
  useNewRecoveryCodes,
  useStartTotpSetup,
  useTwoFactor,
} from "@/features/auth/api/two-factor";
import { toast } from "@/lib/toast";

/** Recovery codes, shown once after they are made. */
function RecoveryCodes({ codes, onDone }: { codes: string[]; onDone: () => void }) {
  return (
    <div className="space-y-3">
      <div role="alert" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
        <strong>Save these recovery codes now.</strong> Each signs you in once if you lose your authenticator app.
        They are shown only this once.
      </div>
      <ul aria-label="Recovery codes" className="grid grid-cols-2 gap-1 font-mono text-sm">
        {codes.map((code) => (
          <li key={code} className="rounded bg-slate-50 px-2 py-1 select-all">
            {code}
          </li>
        ))}
      </ul>
      <Button onClick={onDone}>I saved them</Button>
    </div>
  );
}

function Setup({ onCodes }: { onCodes: (codes: string[]) => void }) {
  const start = useStartTotpSetup();
  const confirm = useConfirmTotp();
  if (!start.data) {
    return (
      <Button pending={start.isPending} onClick={() => start.mutate()}>
        Set up an authenticator app
      </Button>
    );
  }
  return (
    <div className="flex flex-col gap-4 sm:flex-row">
      <img src={start.data.qr_svg} alt="QR code for your authenticator app" className="h-44 w-44 border border-slate-200" />
      <Form
        label="Confirm authenticator"
        className="max-w-sm"
        error={confirm.error}
        onSubmit={(v) => confirm.mutate(v.code ?? "", { onSuccess: (done) => onCodes(done.recovery_codes) })}
      >
        <p className="text-sm text-slate-600">
          Scan the code with your app (or type <code className="break-all" data-testid="totp-secret">{start.data.secret}</code>), then
          enter the 6 digits it shows.
        </p>
        <TextField label="Code from the app" name="code" autoComplete="one-time-code" required />
        <Button type="submit" pending={confirm.isPending}>
          Turn on two-factor
        </Button>
      </Form>
    </div>
  );
}

function Enabled({ left, onCodes }: { left: number; onCodes: (codes: string[]) => void }) {
  const disable = useDisableTwoFactor();
  const regenerate = useNewRecoveryCodes();
  // Which of the form's two buttons sent it: a click comes before its submit event.
  const action = useRef<"regenerate" | "disable">("disable");
  return (
    <div className="space-y-4">
      <p className="text-sm text-slate-700">
        Two-factor is <strong>on</strong>. {left} recovery codes left.
      </p>
      <Form
        label="Two-factor changes"
        className="max-w-sm"
        error={disable.error ?? regenerate.error}
        onSubmit={(v) => {
          const code = v.code ?? "";
          if (action.current === "regenerate") regenerate.mutate(code, { onSuccess: (done) => onCodes(done.recovery_codes) });
          else disable.mutate(code, { onSuccess: () => toast.success("Two-factor turned off") });
        }}
      >
        <TextField label="Current code (or a recovery code)" name="code" autoComplete="one-time-code" required />
        <div className="flex gap-2">
          <Button type="submit" variant="secondary" onClick={() => (action.current = "regenerate")} pending={regenerate.isPending}>
            New recovery codes
          </Button>
          <Button type="submit" variant="danger" onClick={() => (action.current = "disable")} pending={disable.isPending}>
            Turn off
          </Button>
        </div>
      </Form>
    </div>
  );
}

export function TwoFactorSettings() {
  const status = useTwoFactor();
  const [codes, setCodes] = useState<string[] | null>(null);
  return (
    <Card>
      <CardHeader title="Two-factor authentication" description="A code from an authenticator app after your password." />
      <div className="space-y-4 p-4">
        <QueryState query={status}>
          {(data) => (
            <>
              {data.required_by.length > 0 && !data.enabled && (
                <p role="status" className="rounded-md border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-900">
                  {data.required_by.join(", ")} {data.required_by.length > 1 ? "require" : "requires"} two-factor of
                  its owners and admins: turn it on to manage {data.required_by.length > 1 ? "them" : "it"}.
                </p>
              )}
              {codes ? (
                <RecoveryCodes codes={codes} onDone={() => setCodes(null)} />
              ) : data.enabled ? (
                <Enabled left={data.recovery_codes_left} onCodes={setCodes} />
              ) : (
                <Setup onCodes={setCodes} />
              )}
            </>
          )}
        </QueryState>
      </div>
    </Card>
  );
}
