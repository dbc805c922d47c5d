-- The event store: one row per event, its raw lines, the files it came from, the lines that could
-- not be read, and the tables derived at ingest (sessions, processes, TTY input).

ALTER TABLE "datasets" ADD COLUMN "bytes" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "datasets" ADD COLUMN "lines" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "datasets" ADD COLUMN "records" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "datasets" ADD COLUMN "events" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "datasets" ADD COLUMN "malformed" BIGINT NOT NULL DEFAULT 0;
ALTER TABLE "datasets" ADD COLUMN "first_ms" BIGINT;
ALTER TABLE "datasets" ADD COLUMN "last_ms" BIGINT;
ALTER TABLE "datasets" ADD COLUMN "nodes" TEXT NOT NULL DEFAULT '';
ALTER TABLE "datasets" ADD COLUMN "interpreted" BOOLEAN NOT NULL DEFAULT false;
ALTER TABLE "datasets" ADD COLUMN "owner_pid" INTEGER;

CREATE TABLE "source_files" (
  "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  "dataset_id" INTEGER NOT NULL REFERENCES "datasets" ("id") ON DELETE CASCADE,
  "path" TEXT NOT NULL,
  "size" BIGINT,
  "sha256" TEXT NOT NULL,
  "lines" BIGINT NOT NULL DEFAULT 0,
  "records" BIGINT NOT NULL DEFAULT 0,
  "events" BIGINT NOT NULL DEFAULT 0,
  "malformed" BIGINT NOT NULL DEFAULT 0,
  "first_ms" BIGINT,
  "last_ms" BIGINT,
  "created_at" DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP
);
CREATE UNIQUE INDEX "source_files_dataset_id_sha256_key" ON "source_files" ("dataset_id", "sha256");

-- Ids are dataset_id * 2^32 + n, so an ingest numbers its rows without asking the database.
CREATE TABLE "events" (
  "id" INTEGER NOT NULL PRIMARY KEY,
  "dataset_id" INTEGER NOT NULL REFERENCES "datasets" ("id") ON DELETE CASCADE,
  "file_id" INTEGER NOT NULL,
  "line" BIGINT NOT NULL,
  "node" TEXT NOT NULL DEFAULT '',
  "time_ms" BIGINT NOT NULL,
  "serial" BIGINT NOT NULL,
  "types" TEXT NOT NULL,
  "record_count" INTEGER NOT NULL,
  "syscall" TEXT,
  "arch" TEXT,
  "success" BOOLEAN,
  "exit" BIGINT,
  "pid" INTEGER,
  "ppid" INTEGER,
  "auid" BIGINT,
  "uid" BIGINT,
  "euid" BIGINT,
  "gid" BIGINT,
  "ses" BIGINT,
  "tty" TEXT,
  "comm" TEXT,
  "exe" TEXT,
  "keys" TEXT,
  "actor" TEXT,
  "action" TEXT NOT NULL,
  "object" TEXT,
  "result" TEXT,
  "raw_block_id" BIGINT NOT NULL,
  "raw_offset" INTEGER NOT NULL,
  "raw_length" INTEGER NOT NULL
);
CREATE UNIQUE INDEX "events_dataset_id_node_time_ms_serial_key" ON "events" ("dataset_id", "node", "time_ms", "serial");
CREATE INDEX "events_dataset_id_time_ms_idx" ON "events" ("dataset_id", "time_ms");
CREATE INDEX "events_dataset_id_auid_idx" ON "events" ("dataset_id", "auid");
CREATE INDEX "events_dataset_id_ses_idx" ON "events" ("dataset_id", "ses");
CREATE INDEX "events_dataset_id_pid_idx" ON "events" ("dataset_id", "pid");
CREATE INDEX "events_dataset_id_exe_idx" ON "events" ("dataset_id", "exe");
CREATE INDEX "events_dataset_id_keys_idx" ON "events" ("dataset_id", "keys");
CREATE INDEX "events_dataset_id_syscall_idx" ON "events" ("dataset_id", "syscall");

-- Byte-exact raw lines, the source of truth for detail and export: the lines of consecutive
-- events, newline-separated, deflated (raw deflate) in blocks of about 256 KiB; each event
-- points at its slice of the inflated block.
CREATE TABLE "raw_blocks" (
  "id" INTEGER NOT NULL PRIMARY KEY,
  "dataset_id" INTEGER NOT NULL REFERENCES "datasets" ("id") ON DELETE CASCADE,
  "data" BLOB NOT NULL
);
CREATE INDEX "raw_blocks_dataset_id_idx" ON "raw_blocks" ("dataset_id");

-- Records that reached an event after it was stored (a late straggler, an overlapping file).
CREATE TABLE "event_raw_extra" (
  "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  "event_id" BIGINT NOT NULL REFERENCES "events" ("id") ON DELETE CASCADE,
  "lines" BLOB NOT NULL
);
CREATE INDEX "event_raw_extra_event_id_idx" ON "event_raw_extra" ("event_id");

CREATE TABLE "malformed_lines" (
  "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  "dataset_id" INTEGER NOT NULL REFERENCES "datasets" ("id") ON DELETE CASCADE,
  "file_id" INTEGER NOT NULL,
  "line" BIGINT NOT NULL,
  "offset" BIGINT NOT NULL,
  "code" TEXT NOT NULL,
  "message" TEXT NOT NULL,
  "excerpt" BLOB NOT NULL
);
CREATE INDEX "malformed_lines_dataset_id_file_id_line_idx" ON "malformed_lines" ("dataset_id", "file_id", "line");

CREATE TABLE "sessions" (
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
CREATE UNIQUE INDEX "sessions_dataset_id_node_ses_key" ON "sessions" ("dataset_id", "node", "ses");
CREATE INDEX "sessions_dataset_id_start_ms_idx" ON "sessions" ("dataset_id", "start_ms");

CREATE TABLE "processes" (
  "id" INTEGER NOT NULL PRIMARY KEY,
  "dataset_id" INTEGER NOT NULL REFERENCES "datasets" ("id") ON DELETE CASCADE,
  "event_id" BIGINT,
  "parent_id" BIGINT,
  "chain_prev_id" BIGINT,
  "node" TEXT NOT NULL DEFAULT '',
  "pid" INTEGER NOT NULL,
  "ppid" INTEGER,
  "ses" BIGINT,
  "auid" BIGINT,
  "uid" BIGINT,
  "euid" BIGINT,
  "exe" TEXT,
  "comm" TEXT,
  "argv" TEXT,
  "cwd" TEXT,
  "time_ms" BIGINT,
  "success" BOOLEAN,
  "placeholder" BOOLEAN NOT NULL DEFAULT false
);
CREATE INDEX "processes_dataset_id_ses_idx" ON "processes" ("dataset_id", "ses");
CREATE INDEX "processes_dataset_id_parent_id_idx" ON "processes" ("dataset_id", "parent_id");
CREATE INDEX "processes_dataset_id_event_id_idx" ON "processes" ("dataset_id", "event_id");

CREATE TABLE "tty_input" (
  "id" INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
  "dataset_id" INTEGER NOT NULL REFERENCES "datasets" ("id") ON DELETE CASCADE,
  "event_id" BIGINT NOT NULL,
  "node" TEXT NOT NULL DEFAULT '',
  "ses" BIGINT,
  "auid" BIGINT,
  "pid" INTEGER,
  "time_ms" BIGINT NOT NULL,
  "data" BLOB NOT NULL,
  "tokens" TEXT NOT NULL,
  "lines" TEXT NOT NULL
);
CREATE INDEX "tty_input_dataset_id_ses_time_ms_idx" ON "tty_input" ("dataset_id", "ses", "time_ms");

-- Full-text search over command lines, paths, proctitle and keys; rowid = events.id.
CREATE VIRTUAL TABLE "events_fts" USING fts5("text", content='', contentless_delete=1, tokenize='unicode61 remove_diacritics 0');
