-- When each login detail's source record was written (lib/derive/types.ts DetailSource): of equal
-- sources the earliest wins, so parts of a log whose lines are not in time order merge as the whole
-- would. Rows from before keep their part's first time as each detail's.
ALTER TABLE "sessions" ADD COLUMN "auid_ms" BIGINT;
ALTER TABLE "sessions" ADD COLUMN "kind_ms" BIGINT;
ALTER TABLE "sessions" ADD COLUMN "addr_ms" BIGINT;
ALTER TABLE "sessions" ADD COLUMN "hostname_ms" BIGINT;
ALTER TABLE "sessions" ADD COLUMN "terminal_ms" BIGINT;
ALTER TABLE "session_parts" ADD COLUMN "auid_ms" BIGINT;
ALTER TABLE "session_parts" ADD COLUMN "kind_ms" BIGINT;
ALTER TABLE "session_parts" ADD COLUMN "addr_ms" BIGINT;
ALTER TABLE "session_parts" ADD COLUMN "hostname_ms" BIGINT;
ALTER TABLE "session_parts" ADD COLUMN "terminal_ms" BIGINT;
