-- The overview's counts, gathered while the dataset was ingested (JSON, lib/ingest/dataset-summary.ts).
ALTER TABLE "datasets" ADD COLUMN "summary" TEXT;
