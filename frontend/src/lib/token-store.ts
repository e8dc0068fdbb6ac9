// Where the session's tokens live.
//
// The access token (minutes) is kept in memory only. The refresh token is kept
// in memory and mirrored to sessionStorage, never localStorage: sessionStorage
// is per tab and dies with the tab, so a reload keeps the user signed in
// without a token that outlives the tab or is shared with other tabs. The
// backend rotates refresh tokens (each use returns a new one and the old one
// stops working), which bounds what a stolen one is worth. An HttpOnly refresh
// cookie would be stronger still; it needs backend support, see the README.

const REFRESH_KEY = "coditect.refresh";

export type SessionStatus = "signed-in" | "signed-out" | "expired";

type Listener = () => void;

let access: string | null = null;
let refresh: string | null = readStoredRefresh();
let status: SessionStatus = refresh ? "signed-in" : "signed-out";
const listeners = new Set<Listener>();

function readStoredRefresh(): string | null {
  try {
    return globalThis.sessionStorage?.getItem(REFRESH_KEY) ?? null;
  } catch {
    return null;
  }
}

function storeRefresh(value: string | null) {
  try {
    if (value) sessionStorage.setItem(REFRESH_KEY, value);
    else sessionStorage.removeItem(REFRESH_KEY);
  } catch {
    // Storage may be disabled: the session then lasts until reload.
  }
}

function emit() {
  for (const listener of listeners) listener();
}

/** Seconds since the epoch at which a JWT expires, or null if unreadable. */
function jwtExpiry(token: string): number | null {
  try {
    const payload = token.split(".")[1];
    if (!payload) return null;
    const json = atob(payload.replace(/-/g, "+").replace(/_/g, "/"));
    const exp = (JSON.parse(json) as { exp?: unknown }).exp;
    return typeof exp === "number" ? exp : null;
  } catch {
    return null;
  }
}

export const tokenStore = {
  subscribe(listener: Listener) {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  getStatus: (): SessionStatus => status,
  getAccess: () => access,
  getRefresh: () => refresh,

  /** The access token is missing or expires within `marginSeconds`. */
  accessIsStale(marginSeconds = 30): boolean {
    if (!access) return true;
    const exp = jwtExpiry(access);
    return exp !== null && exp - marginSeconds <= Date.now() / 1000;
  },

  set(tokens: { access: string; refresh?: string | null }) {
    access = tokens.access;
    if (tokens.refresh) refresh = tokens.refresh;
    storeRefresh(refresh);
    if (status !== "signed-in") {
      status = "signed-in";
      emit();
    }
  },

  /** End the session: `expired` sends the user to sign in and back again. */
  clear(reason: Exclude<SessionStatus, "signed-in"> = "signed-out") {
    access = null;
    refresh = null;
    storeRefresh(null);
    if (status !== reason) {
      status = reason;
      emit();
    }
  },

  /** For tests: forget everything and re-read sessionStorage. */
  reset() {
    access = null;
    refresh = readStoredRefresh();
    status = refresh ? "signed-in" : "signed-out";
    emit();
  },
};
