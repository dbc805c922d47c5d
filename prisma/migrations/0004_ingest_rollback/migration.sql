-- Where each table of a dataset stood when its running ingest began (JSON; lib/store/ingest-marks.ts):
-- an ingest that fails or is interrupted is undone down to them. NULL when no ingest is open.
ALTER TABLE "datasets" ADD COLUMN "ingest_marks" TEXT;

-- Parts of sessions an ingest set aside to bound its memory; merged into "sessions" when it ends,
-- so an ingest that never ends leaves the dataset's sessions as they were.
CREATE TABLE "session_parts" (
  "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  "dataset_id" INTEGER NOT NULL REFERENCES "datasets" ("id") ON DELETE CASCADE,
  "node" TEXT NOT NULL DEFAULT '',
  "ses" BIGINT NOT NULL,
  "auid" BIGINT,
  "user_name" TEXT,
  "kind" TEXT NOT NULL,
  "addr" TEXT,
  "hostname" TEXT,
  "terminal" TEXT,
  "start_ms" BIGINT NOT NULL,
  "end_ms" BIGINT,
  "events" INTEGER NOT NULL DEFAULT 0,
  "execs" INTEGER NOT NULL DEFAULT 0,
  "failures" INTEGER NOT NULL DEFAULT 0,
  "has_tty" BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX "session_parts_dataset_id_idx" ON "session_parts" ("dataset_id");
