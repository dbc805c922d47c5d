import {
  type FieldList,
  fieldsToMap,
  isLong,
  lookupField,
  scanFields,
  unquote,
  unquoteValues,
} from "./fields";
import type { AuditRecord, LineFormat } from "./types";

/** What a record is, apart from its fields. */
export interface RecordHead {
  type: string;
  node: string | null;
  sec: number;
  ms: number;
  serial: number;
  format: LineFormat;
  raw: string;
  line: number;
  offset: number;
}

/** Where the fields lie in `raw`, and their Maps when they were read at once (to check a limit). */
export interface RecordSpans {
  bodyStart: number;
  bodyEnd: number;
  /** Start of the ENRICHED fields after the 0x1d separator; -1 when there is none. */
  enrichedStart: number;
  fields?: Map<string, string>;
  enriched?: Map<string, string>;
}

/**
 * A record as the parser makes it. Its fields stay in the line until asked for: `fields` and
 * `enriched` are built on first use, while `fieldValue`/`enrichedValue` read single fields from a
 * list of offsets without building them, which is what ingest's per-event facts need.
 */
export class ParsedRecord implements AuditRecord {
  readonly type: string;
  readonly node: string | null;
  readonly sec: number;
  readonly ms: number;
  readonly serial: number;
  readonly format: LineFormat;
  readonly raw: string;
  readonly line: number;
  readonly offset: number;
  glued = false;
  private readonly bodyStart: number;
  private readonly bodyEnd: number;
  private readonly enrichedStart: number;
  // Each built on first use. Once a Map exists, lookups go to it.
  private fieldMap: Map<string, string> | undefined;
  private enrichedMap: Map<string, string> | undefined;
  private bodyList: FieldList | undefined;
  private enrichedList: FieldList | undefined;

  constructor(head: RecordHead, spans: RecordSpans) {
    this.type = head.type;
    this.node = head.node;
    this.sec = head.sec;
    this.ms = head.ms;
    this.serial = head.serial;
    this.format = head.format;
    this.raw = head.raw;
    this.line = head.line;
    this.offset = head.offset;
    this.bodyStart = spans.bodyStart;
    this.bodyEnd = spans.bodyEnd;
    this.enrichedStart = spans.enrichedStart;
    this.fieldMap = spans.fields;
    this.enrichedMap = spans.enriched;
    this.bodyList = undefined;
    this.enrichedList = undefined;
  }

  get fields(): Map<string, string> {
    this.fieldMap ??= fieldsToMap(this.body(), this.raw);
    return this.fieldMap;
  }

  get enriched(): Map<string, string> | null {
    if (this.enrichedStart === -1) return null;
    this.enrichedMap ??= unquoteValues(fieldsToMap(this.enrichment(), this.raw));
    return this.enrichedMap;
  }

  /** `fields.get(name)`, without building `fields` (unless the record is long). */
  field(name: string): string | undefined {
    if (this.fieldMap !== undefined) return this.fieldMap.get(name);
    const list = this.body();
    return isLong(list) ? this.fields.get(name) : lookupField(list, this.raw, name);
  }

  /** `enriched?.get(name)`, without building `enriched` (unless it is long). */
  enrichedField(name: string): string | undefined {
    if (this.enrichedStart === -1) return undefined;
    if (this.enrichedMap !== undefined) return this.enrichedMap.get(name);
    const list = this.enrichment();
    if (isLong(list)) return this.enriched?.get(name);
    const value = lookupField(list, this.raw, name);
    return value === undefined ? undefined : unquote(value);
  }

  private body(): FieldList {
    this.bodyList ??= scanFields(this.raw, this.bodyStart, this.bodyEnd, this.format === "interpreted");
    return this.bodyList;
  }

  private enrichment(): FieldList {
    this.enrichedList ??= scanFields(this.raw, this.enrichedStart, this.raw.length, false);
    return this.enrichedList;
  }
}

/** `record.fields.get(name)`; cheap for parsed records, whose fields are then not all read. */
export function fieldValue(record: AuditRecord, name: string): string | undefined {
  return record instanceof ParsedRecord ? record.field(name) : record.fields.get(name);
}

/** `record.enriched?.get(name)`, cheap for parsed records like `fieldValue`. */
export function enrichedValue(record: AuditRecord, name: string): string | undefined {
  return record instanceof ParsedRecord ? record.enrichedField(name) : record.enriched?.get(name);
}
