import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import type Database from "better-sqlite3";
import { eventFacts } from "../audit/event-facts";
import { AuditParser } from "../audit/parser";
import { summarize } from "../audit/summary";
import type { AuditEvent, LineFormat, Malformed, ParserLimits } from "../audit/types";
import { DerivedTables } from "../derive/derived-tables";
import { claimDataset, createDataset, setDatasetStatus } from "../store/datasets";
import { type EventRow, EventWriter } from "../store/event-writer";
import { eventRow } from "./event-row";
import type { Source } from "./sources";

export interface IngestProgress {
  file: string;
  fileIndex: number;
  files: number;
  /** Raw bytes read, of all files; `bytesTotal` is null when a source has no known size (stdin). */
  bytesRead: number;
  bytesTotal: number | null;
  lines: number;
  events: number;
}

export interface IngestFileResult {
  path: string;
  bytes: number;
  lines: number;
  records: number;
  events: number;
  malformed: number;
  refused: string | null;
}

export interface IngestResult {
  dataset: number | null;
  status: "ready" | "failed" | "cancelled" | "refused";
  error: string | null;
  bytes: number;
  lines: number;
  records: number;
  events: number;
  malformed: number;
  seconds: number;
  files: IngestFileResult[];
}

export interface IngestOptions {
  db: Database.Database;
  /** Add to this dataset; otherwise a new one is created when the first file is accepted. */
  dataset?: number;
  name?: string;
  onProgress?: (progress: IngestProgress) => void;
  signal?: AbortSignal;
  limits?: Partial<ParserLimits>;
  /** Events per write transaction. */
  batchEvents?: number;
}

/** Only this many malformed lines are kept per dataset; the true total is counted. */
export const MALFORMED_KEPT = 10_000;
/** A file with no audit record in its first this-many non-empty lines is not an audit log. */
const SNIFF_LINES = 1000;
const PROGRESS_MS = 100;

class Refusal extends Error {}
class Cancelled extends Error {}

async function sha256OfFile(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

function looksBinary(chunk: Buffer): boolean {
  return chunk.subarray(0, 4096).includes(0);
}

/**
 * Drives sources through the parser into the store: one code path for the CLI, the upload
 * route and the tests. Memory is bounded (events are written in batches as they complete);
 * the dataset turns `ready` in the same transaction as its last rows, and `failed` or
 * `cancelled` otherwise, never showing a half ingest as complete.
 */
export async function ingest(sources: Source[], options: IngestOptions): Promise<IngestResult> {
  const started = performance.now();
  const { db } = options;
  const batchEvents = options.batchEvents ?? 20_000;
  const results: IngestFileResult[] = [];
  let datasetId: number | null = options.dataset ?? null;
  let writer: EventWriter | null = null;
  let deriver: DerivedTables | null = null;
  const processIds = new Map<number, number>();
  let malformedKept = 0;
  let bytesRead = 0;
  const bytesTotal = sources.every((s) => s.size !== null)
    ? sources.reduce((t, s) => t + (s.size ?? 0), 0)
    : null;
  const formats = new Set<LineFormat>();
  let totalEvents = 0;
  let totalLines = 0;
  let lastProgress = 0;

  if (datasetId !== null) {
    if (!claimDataset(db, datasetId))
      throw new Error(`dataset ${datasetId} does not exist or is being ingested`);
    malformedKept =
      db
        .prepare<[number], { n: number }>(`SELECT count(*) AS n FROM malformed_lines WHERE dataset_id = ?`)
        .get(datasetId)?.n ?? 0;
  }

  const ensureDataset = (): { writer: EventWriter; deriver: DerivedTables; datasetId: number } => {
    if (datasetId === null) datasetId = createDataset(db, options.name ?? sources[0]?.path ?? "dataset");
    writer ??= new EventWriter(db, datasetId);
    deriver ??= new DerivedTables();
    return { writer, deriver, datasetId };
  };

  const writeEvents = (fileId: number, events: AuditEvent[], malformed: Malformed[]) => {
    const target = ensureDataset();
    for (const event of events) {
      const facts = eventFacts(event);
      const row: EventRow = eventRow(event, fileId, facts, summarize(facts));
      const eventId = target.writer.insertEvent(row);
      if (eventId === null) continue;
      const derived = target.deriver.add({ eventId, node: row.node, timeMs: row.timeMs, facts });
      for (const process of derived.processes) {
        const id = target.writer.insertProcess({
          ...process,
          parentId: process.parentId === null ? null : (processIds.get(process.parentId) ?? null),
          chainPrevId: process.chainPrevId === null ? null : (processIds.get(process.chainPrevId) ?? null),
        });
        processIds.set(process.id, id);
      }
      for (const tty of derived.tty) target.writer.insertTty(tty);
    }
    for (const entry of malformed) {
      if (malformedKept >= MALFORMED_KEPT) break;
      malformedKept++;
      target.writer.insertMalformed({
        fileId,
        line: entry.line,
        offset: entry.offset,
        code: entry.code,
        message: entry.message,
        excerpt: Buffer.from(entry.excerpt, "latin1"),
      });
    }
  };

  const report = (file: string, fileIndex: number, force = false) => {
    const now = performance.now();
    if (!options.onProgress || (!force && now - lastProgress < PROGRESS_MS)) return;
    lastProgress = now;
    options.onProgress({
      file,
      fileIndex,
      files: sources.length,
      bytesRead,
      bytesTotal,
      lines: totalLines,
      events: totalEvents,
    });
  };

  const ingestFile = async (source: Source, fileIndex: number): Promise<IngestFileResult> => {
    const result: IngestFileResult = {
      path: source.path,
      bytes: 0,
      lines: 0,
      records: 0,
      events: 0,
      malformed: 0,
      refused: null,
    };
    const hash = source.size !== null ? await sha256OfFile(source.path) : null;
    if (hash !== null && datasetId !== null) {
      const known = db
        .prepare(`SELECT 1 FROM source_files WHERE dataset_id = ? AND sha256 = ?`)
        .get(datasetId, hash);
      if (known) {
        bytesRead += source.size ?? 0;
        return result;
      }
    }
    const streamHash = hash === null ? createHash("sha256") : null;
    const parser = new AuditParser(options.limits);
    let fileId: number | null = null;
    let pendingEvents: AuditEvent[] = [];
    let pendingMalformed: Malformed[] = [];
    let firstMs: number | null = null;
    let lastMs: number | null = null;
    let sniffed = false;

    const track = (events: AuditEvent[]) => {
      for (const event of events) {
        const ms = event.sec * 1000 + event.ms;
        if (firstMs === null || ms < firstMs) firstMs = ms;
        if (lastMs === null || ms > lastMs) lastMs = ms;
      }
    };
    const accept = () => {
      const target = ensureDataset();
      fileId = Number(
        db
          .prepare(
            `INSERT INTO source_files (dataset_id, path, size, sha256, created_at) VALUES (?, ?, ?, ?, ?)`,
          )
          .run(
            target.datasetId,
            source.path,
            source.size,
            hash ?? `pending:${process.pid}:${Date.now()}:${fileIndex}`,
            new Date().toISOString(),
          ).lastInsertRowid,
      );
    };
    const flush = () => {
      if (fileId === null) accept();
      const events = pendingEvents;
      const malformed = pendingMalformed;
      pendingEvents = [];
      pendingMalformed = [];
      db.transaction(() => writeEvents(fileId as number, events, malformed)).immediate();
    };

    const input = source.open((count) => {
      bytesRead += count;
      result.bytes += count;
    });
    for await (const chunk of input) {
      if (options.signal?.aborted) {
        input.destroy();
        throw new Cancelled("cancelled");
      }
      const buf = chunk as Buffer;
      streamHash?.update(buf);
      if (!sniffed && parser.stats.bytes === 0 && looksBinary(buf)) {
        input.destroy();
        throw new Refusal(
          `${source.path} is not an audit log (no audit records in its first ${SNIFF_LINES} lines)`,
        );
      }
      const out = parser.push(buf);
      track(out.events);
      pendingEvents.push(...out.events);
      pendingMalformed.push(...out.malformed);
      totalEvents += out.events.length;
      totalLines = totalLines - result.lines + parser.stats.lines;
      result.lines = parser.stats.lines;
      if (!sniffed) {
        if (parser.stats.records > 0) sniffed = true;
        else if (parser.stats.malformed >= SNIFF_LINES) {
          input.destroy();
          throw new Refusal(
            `${source.path} is not an audit log (no audit records in its first ${SNIFF_LINES} lines)`,
          );
        }
      }
      if (sniffed && pendingEvents.length >= batchEvents) flush();
      report(source.path, fileIndex);
    }
    const out = parser.end();
    track(out.events);
    pendingEvents.push(...out.events);
    pendingMalformed.push(...out.malformed);
    totalEvents += out.events.length;
    totalLines = totalLines - result.lines + parser.stats.lines;
    if (parser.stats.records === 0) {
      const reason =
        result.bytes === 0 ? "it is empty" : `no audit records in its first ${SNIFF_LINES} lines`;
      throw new Refusal(`${source.path} is not an audit log (${reason})`);
    }
    Object.assign(result, {
      lines: parser.stats.lines,
      records: parser.stats.records,
      events: parser.stats.events,
      malformed: parser.stats.malformed,
    });
    for (const format of parser.stats.formats) formats.add(format);

    // Input without a size (stdin) is hashed as it streams; if the dataset has it already, its
    // events were ignored as duplicates and the file row keeps a distinct key.
    const stdinDigest = (digest: ReturnType<typeof createHash> | null) => {
      const hex = digest?.digest("hex") ?? "";
      const known = db
        .prepare(`SELECT 1 FROM source_files WHERE dataset_id = ? AND sha256 = ?`)
        .get(datasetId, hex);
      return known ? `${hex}:${fileId}` : hex;
    };
    const finishFile = () => {
      if (fileId === null) accept();
      writeEvents(fileId as number, pendingEvents, pendingMalformed);
      pendingEvents = [];
      pendingMalformed = [];
      db.prepare(
        `UPDATE source_files SET sha256 = ?, lines = ?, records = ?, events = ?, malformed = ?, first_ms = ?, last_ms = ? WHERE id = ?`,
      ).run(
        hash ?? stdinDigest(streamHash),
        result.lines,
        result.records,
        result.events,
        result.malformed,
        firstMs,
        lastMs,
        fileId,
      );
    };
    db.transaction(finishFile).immediate();
    report(source.path, fileIndex, true);
    return result;
  };

  const finishDataset = () => {
    if (datasetId === null) return;
    const target = ensureDataset();
    for (const session of target.deriver.sessions()) target.writer.upsertSession(session);
    db.prepare(
      `UPDATE datasets SET
         bytes = (SELECT coalesce(sum(size), 0) FROM source_files WHERE dataset_id = @id),
         lines = (SELECT coalesce(sum(lines), 0) FROM source_files WHERE dataset_id = @id),
         records = (SELECT coalesce(sum(records), 0) FROM source_files WHERE dataset_id = @id),
         malformed = (SELECT coalesce(sum(malformed), 0) FROM source_files WHERE dataset_id = @id),
         events = (SELECT count(*) FROM events WHERE dataset_id = @id),
         first_ms = (SELECT min(time_ms) FROM events WHERE dataset_id = @id),
         last_ms = (SELECT max(time_ms) FROM events WHERE dataset_id = @id),
         nodes = (SELECT coalesce(group_concat(node, char(10)), '') FROM (SELECT DISTINCT node FROM events WHERE dataset_id = @id AND node <> '' ORDER BY node)),
         interpreted = interpreted OR @interpreted,
         status = 'ready', error = NULL, owner_pid = NULL, updated_at = @now
       WHERE id = @id`,
    ).run({ id: datasetId, interpreted: formats.has("interpreted") ? 1 : 0, now: new Date().toISOString() });
  };

  let status: IngestResult["status"] = "ready";
  let error: string | null = null;
  const accepted = () => results.filter((r) => r.refused === null);
  try {
    for (const [index, source] of sources.entries()) {
      try {
        results.push(await ingestFile(source, index));
      } catch (failure) {
        if (!(failure instanceof Refusal)) throw failure;
        results.push({
          path: source.path,
          bytes: 0,
          lines: 0,
          records: 0,
          events: 0,
          malformed: 0,
          refused: failure.message,
        });
      }
    }
    // The derived sessions and the ready mark commit together, durably.
    if (datasetId !== null) {
      db.pragma("synchronous = FULL");
      try {
        db.transaction(finishDataset).immediate();
      } finally {
        db.pragma("synchronous = NORMAL");
      }
    }
    if (accepted().length === 0) status = "refused";
  } catch (failure) {
    status = failure instanceof Cancelled ? "cancelled" : "failed";
    error = failure instanceof Error ? failure.message : String(failure);
    if (datasetId !== null)
      setDatasetStatus(db, datasetId, status, status === "cancelled" ? "cancelled by the user" : error);
  }
  const sum = (key: "bytes" | "lines" | "records" | "events" | "malformed") =>
    results.reduce((t, r) => t + r[key], 0);
  return {
    dataset: datasetId,
    status,
    error,
    bytes: sum("bytes"),
    lines: sum("lines"),
    records: sum("records"),
    events: sum("events"),
    malformed: sum("malformed"),
    seconds: (performance.now() - started) / 1000,
    files: results,
  };
}
