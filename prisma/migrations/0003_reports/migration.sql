-- aureport's reports, computed from the store (lib/reports): what aureport's own parser reads from
-- each event, derived at ingest, so a report is a query instead of a pass over the log.

-- One row per aureport event within one of ours (almost always exactly one): the values its
-- report columns use, and per report (bit masks, see lib/reports/aureport/kinds.ts) whether
-- this row is the event's row in that detailed report and in its ranking.
CREATE TABLE "report_events" (
  "id" INTEGER NOT NULL PRIMARY KEY,
  "dataset_id" INTEGER NOT NULL REFERENCES "datasets" ("id") ON DELETE CASCADE,
  "event_id" BIGINT NOT NULL,
  "sub" INTEGER NOT NULL,
  "variant" INTEGER NOT NULL,
  "time_ms" BIGINT NOT NULL,
  "node" TEXT NOT NULL DEFAULT '',
  "serial" BIGINT NOT NULL,
  "head" INTEGER NOT NULL,
  "success" INTEGER NOT NULL,
  "pid" INTEGER NOT NULL,
  "syscall" INTEGER NOT NULL,
  "loginuid" BIGINT NOT NULL,
  "uid" BIGINT NOT NULL,
  "session" BIGINT NOT NULL,
  "acct" TEXT,
  "hostname" TEXT,
  "terminal" TEXT,
  "exe" TEXT,
  "comm" TEXT,
  "file" TEXT,
  "key" TEXT,
  -- JSON arrays of the event's file names and keys; the summary counters it adds to, 3 bits each.
  "files" TEXT,
  "keys" TEXT,
  "counts" BIGINT NOT NULL,
  "listed" INTEGER NOT NULL,
  "ranked" INTEGER NOT NULL,
  "listed_alike" INTEGER NOT NULL,
  "ranked_alike" INTEGER NOT NULL,
  "blind" INTEGER NOT NULL
);
CREATE INDEX "report_events_dataset_id_time_ms_idx" ON "report_events" ("dataset_id", "time_ms");
-- --failed / --success pages of the reports most events are in.
CREATE INDEX "report_events_dataset_id_success_time_ms_idx" ON "report_events" ("dataset_id", "success", "time_ms");

-- Which rows the reports that few events are in (auth, login, config, mac, …: chosen by record
-- type) take, so their pages and rankings do not scan every row. `flags`: listed, ranked,
-- listed among rows of the same success, ranked among those (1, 2, 4, 8).
CREATE TABLE "report_kinds" (
  "dataset_id" INTEGER NOT NULL REFERENCES "datasets" ("id") ON DELETE CASCADE,
  "kind" INTEGER NOT NULL,
  "time_ms" BIGINT NOT NULL,
  "row_id" BIGINT NOT NULL,
  "flags" INTEGER NOT NULL,
  PRIMARY KEY ("dataset_id", "kind", "time_ms", "row_id")
) WITHOUT ROWID;

-- Rows of the reports that list more than one row per event: AVC decisions and TTY records.
CREATE TABLE "report_items" (
  "id" INTEGER NOT NULL PRIMARY KEY,
  "dataset_id" INTEGER NOT NULL REFERENCES "datasets" ("id") ON DELETE CASCADE,
  "event_id" BIGINT NOT NULL,
  "sub" INTEGER NOT NULL,
  "kind" INTEGER NOT NULL,
  "time_ms" BIGINT NOT NULL,
  "node" TEXT NOT NULL DEFAULT '',
  "success" INTEGER NOT NULL,
  "listed" INTEGER NOT NULL,
  "listed_alike" INTEGER NOT NULL,
  "ranked" INTEGER NOT NULL,
  "ranked_alike" INTEGER NOT NULL,
  "blind" INTEGER NOT NULL,
  "value" TEXT,
  "n" INTEGER NOT NULL,
  "cells" TEXT
);
CREATE INDEX "report_items_dataset_id_kind_time_ms_idx" ON "report_items" ("dataset_id", "kind", "time_ms");

-- Whole-dataset results (rankings, summaries, row counts), filled on first use and valid while
-- the dataset's `stamp` (status, event count, last update) is unchanged.
CREATE TABLE "report_cache" (
  "id" INTEGER NOT NULL PRIMARY KEY,
  "dataset_id" INTEGER NOT NULL REFERENCES "datasets" ("id") ON DELETE CASCADE,
  "key" TEXT NOT NULL,
  "stamp" TEXT NOT NULL,
  "payload" TEXT NOT NULL
);
CREATE UNIQUE INDEX "report_cache_dataset_id_key_key" ON "report_cache" ("dataset_id", "key");

-- Cached rankings, row by row (a pid ranking has hundreds of thousands), read a page at a time;
-- valid while their report_cache entry (same key) is.
CREATE TABLE "report_cache_rows" (
  "dataset_id" INTEGER NOT NULL REFERENCES "datasets" ("id") ON DELETE CASCADE,
  "key" TEXT NOT NULL,
  "position" INTEGER NOT NULL,
  "total" INTEGER NOT NULL,
  "value" TEXT NOT NULL,
  PRIMARY KEY ("dataset_id", "key", "position")
) WITHOUT ROWID;
