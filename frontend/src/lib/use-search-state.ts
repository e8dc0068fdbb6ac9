import { useCallback, useEffect, useState } from "react";
import { useSearchParams } from "react-router";

/**
 * List state (filters and page) in the URL, so a filtered list can be shared
 * and survives a reload. Changing any filter goes back to page 1.
 */
export function useSearchState<K extends string>(keys: readonly K[]) {
  const [params, setParams] = useSearchParams();
  const values = Object.fromEntries(keys.map((k) => [k, params.get(k) ?? ""])) as Record<K, string>;
  const page = Math.max(1, Number(params.get("page")) || 1);

  const set = useCallback(
    (changes: Partial<Record<K | "page", string | number>>) => {
      setParams(
        (prev) => {
          const next = new URLSearchParams(prev);
          for (const [k, v] of Object.entries(changes)) {
            if (v === "" || v == null || (k === "page" && Number(v) <= 1)) next.delete(k);
            else next.set(k, String(v));
          }
          if (!("page" in changes)) next.delete("page");
          return next;
        },
        { replace: true },
      );
    },
    [setParams],
  );
  return { values, page, set };
}

/**
 * A search box's text, written to the URL's ``search`` a moment after the last
 * keystroke: search as you type, without a request per keystroke.
 */
export function useDebouncedSearch(applied: string, set: (changes: { search: string }) => void, delayMs = 300) {
  const [text, setText] = useState(applied);
  useEffect(() => {
    if (text === applied) return;
    const timer = setTimeout(() => set({ search: text }), delayMs);
    return () => clearTimeout(timer);
  }, [text, applied, set, delayMs]);
  return [text, setText] as const;
}
