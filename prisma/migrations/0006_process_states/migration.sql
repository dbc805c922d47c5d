-- The process tracker's state where a dataset's log ends (v8-serialized; lib/store/process-state.ts): an
-- ingest of files that come after goes on from it, as one ingest of all the files would.
CREATE TABLE "process_states" (
  "dataset_id" INTEGER NOT NULL PRIMARY KEY REFERENCES "datasets" ("id") ON DELETE CASCADE,
  "end_ms" BIGINT NOT NULL,
  "end_serial" BIGINT NOT NULL,
  "state" BLOB NOT NULL
);
