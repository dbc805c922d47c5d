"use client";

import { ErrorState } from "@/components/error-state";

export default function DatasetError({
  error,
  reset,
}: {
  error: Error & { digest?: string };
  reset: () => void;
}) {
  return <ErrorState title="This dataset could not be shown" digest={error.digest} reset={reset} />;
}
