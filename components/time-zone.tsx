"use client";

import { useSyncExternalStore } from "react";
import { formatTime, type TimeZoneMode } from "@/lib/format/time";

// The analyst's choice lives in localStorage so it holds across pages and tabs;
// the server always renders UTC, so the first paint is stable and shareable.
const KEY = "auditscope.timezone";
const listeners = new Set<() => void>();

function readMode(): TimeZoneMode {
  return window.localStorage.getItem(KEY) === "local" ? "local" : "utc";
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  window.addEventListener("storage", listener);
  return () => {
    listeners.delete(listener);
    window.removeEventListener("storage", listener);
  };
}

export function useTimeZoneMode(): TimeZoneMode {
  return useSyncExternalStore(subscribe, readMode, () => "utc");
}

function setMode(mode: TimeZoneMode) {
  window.localStorage.setItem(KEY, mode);
  for (const listener of listeners) listener();
}

export function TimeZoneToggle() {
  const mode = useTimeZoneMode();
  return (
    <button
      type="button"
      className="tz-toggle"
      aria-pressed={mode === "local"}
      title="Show times in UTC or in this browser's time zone"
      onClick={() => setMode(mode === "utc" ? "local" : "utc")}
    >
      {mode === "utc" ? "Times: UTC" : "Times: local"}
    </button>
  );
}

export function TimeText({ ms, withMs = false }: { ms: number; withMs?: boolean }) {
  const mode = useTimeZoneMode();
  const iso = Number.isFinite(ms) ? new Date(ms).toISOString() : undefined;
  return <time dateTime={iso}>{formatTime(ms, mode, withMs)}</time>;
}
