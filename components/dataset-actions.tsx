"use client";

import { useState, useTransition } from "react";
import { deleteDatasetAction, renameDatasetAction } from "@/app/datasets/actions";

/** Rename and delete (with confirmation) for one dataset row. */
export function DatasetActions({ id, name }: { id: number; name: string }) {
  const [mode, setMode] = useState<"idle" | "rename" | "confirm-delete">("idle");
  const [draft, setDraft] = useState(name);
  const [error, setError] = useState<string | null>(null);
  const [pending, startTransition] = useTransition();

  const run = (action: () => Promise<{ error: string } | null>) =>
    startTransition(async () => {
      const result = await action();
      setError(result?.error ?? null);
      if (!result) setMode("idle");
    });

  if (mode === "rename") {
    return (
      <form
        className="row-actions"
        onSubmit={(event) => {
          event.preventDefault();
          // The draft starts as the name shown, with its invisible characters escaped: saved
          // unchanged, it would replace them with their escapes.
          if (draft === name) setMode("idle");
          else run(() => renameDatasetAction(id, draft));
        }}
      >
        <input aria-label="New name" value={draft} onChange={(event) => setDraft(event.target.value)} />
        <button type="submit" className="button" disabled={pending}>
          Save
        </button>
        <button type="button" className="button" onClick={() => setMode("idle")}>
          Keep
        </button>
        {error ? <span className="error-text">{error}</span> : null}
      </form>
    );
  }
  if (mode === "confirm-delete") {
    return (
      <div className="row-actions" role="alertdialog" aria-label={`Delete ${name}?`}>
        <span>Delete it and every event in it?</span>
        <button
          type="button"
          className="button danger"
          disabled={pending}
          onClick={() => run(() => deleteDatasetAction(id))}
        >
          Delete
        </button>
        <button type="button" className="button" onClick={() => setMode("idle")}>
          Keep
        </button>
        {error ? <span className="error-text">{error}</span> : null}
      </div>
    );
  }
  return (
    <div className="row-actions">
      <button
        type="button"
        className="button"
        onClick={() => {
          setDraft(name);
          setMode("rename");
        }}
        aria-label={`Rename ${name}`}
      >
        Rename
      </button>
      <button
        type="button"
        className="button"
        onClick={() => setMode("confirm-delete")}
        aria-label={`Delete ${name}`}
      >
        Delete
      </button>
    </div>
  );
}
