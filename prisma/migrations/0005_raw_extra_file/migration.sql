-- The file late lines came from: an event split between two files added older last reads in the
-- files' order (lib/store/raw-lines.ts). NULL (rows from before): after the event's own lines.
ALTER TABLE "event_raw_extra" ADD COLUMN "file_id" INTEGER;
