-- What a session's login details rest on (lib/derive/types.ts SessionEvidence): parts of a session
-- (set aside during an ingest, or from files added apart) are merged by them as one ingest would.
ALTER TABLE "sessions" ADD COLUMN "first_ms" BIGINT;
ALTER TABLE "sessions" ADD COLUMN "kind_score" INTEGER;
ALTER TABLE "sessions" ADD COLUMN "addr_score" INTEGER;
ALTER TABLE "sessions" ADD COLUMN "hostname_score" INTEGER;
ALTER TABLE "sessions" ADD COLUMN "terminal_score" INTEGER;
ALTER TABLE "sessions" ADD COLUMN "auid_from_login" BOOLEAN;
ALTER TABLE "session_parts" ADD COLUMN "first_ms" BIGINT;
ALTER TABLE "session_parts" ADD COLUMN "kind_score" INTEGER;
ALTER TABLE "session_parts" ADD COLUMN "addr_score" INTEGER;
ALTER TABLE "session_parts" ADD COLUMN "hostname_score" INTEGER;
ALTER TABLE "session_parts" ADD COLUMN "terminal_score" INTEGER;
ALTER TABLE "session_parts" ADD COLUMN "auid_from_login" BOOLEAN;
