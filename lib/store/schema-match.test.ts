import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Database from "better-sqlite3";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations } from "./migrate";

// Prisma's migrate cannot run offline, so the SQL migrations are written by hand; this test is
// what keeps them and schema.prisma describing the same database.

interface SchemaField {
  column: string;
  type: string;
  optional: boolean;
  id: boolean;
}
interface SchemaModel {
  table: string;
  fields: SchemaField[];
  indexes: string[][];
  uniques: string[][];
}

const SCALARS = new Set([
  "Int",
  "BigInt",
  "String",
  "Boolean",
  "DateTime",
  "Float",
  "Bytes",
  "Decimal",
  "Json",
]);
const AFFINITY: Record<string, string> = {
  Int: "INTEGER",
  BigInt: "BIGINT",
  String: "TEXT",
  Boolean: "BOOLEAN",
  DateTime: "DATETIME",
  Float: "REAL",
  Bytes: "BLOB",
};

function parseSchema(text: string): SchemaModel[] {
  const models: SchemaModel[] = [];
  for (const match of text.matchAll(/^model\s+(\w+)\s*\{([\s\S]*?)^\}/gm)) {
    const [, name = "", body = ""] = match;
    const model: SchemaModel = { table: name, fields: [], indexes: [], uniques: [] };
    const columnOf = new Map<string, string>();
    for (const raw of body.split("\n")) {
      const line = raw.replace(/\/\/.*$/, "").trim();
      if (!line) continue;
      const table = line.match(/^@@map\("([^"]+)"\)/);
      if (table?.[1]) model.table = table[1];
      const block = line.match(/^@@(index|unique)\(\[([^\]]+)\]/);
      if (block?.[1] && block[2]) {
        const fields = block[2].split(",").map((f) => f.trim().replace(/\(.*\)$/, ""));
        (block[1] === "index" ? model.indexes : model.uniques).push(fields);
      }
      const field = line.match(/^(\w+)\s+(\w+)(\?|\[\])?(.*)$/);
      if (!field || line.startsWith("@@")) continue;
      const [, fieldName = "", type = "", modifier, attrs = ""] = field;
      if (!SCALARS.has(type) || modifier === "[]") continue;
      const column = attrs.match(/@map\("([^"]+)"\)/)?.[1] ?? fieldName;
      columnOf.set(fieldName, column);
      model.fields.push({ column, type, optional: modifier === "?", id: /@id\b/.test(attrs) });
      if (/@unique\b/.test(attrs)) model.uniques.push([fieldName]);
    }
    const toColumns = (fields: string[]) => fields.map((f) => columnOf.get(f) ?? f);
    model.indexes = model.indexes.map(toColumns);
    model.uniques = model.uniques.map(toColumns);
    models.push(model);
  }
  return models;
}

const dir = mkdtempSync(path.join(tmpdir(), "auditscope-schema-"));
const db = new Database(path.join(dir, "schema.db"));
applyMigrations(db);
const models = parseSchema(readFileSync(path.resolve("prisma/schema.prisma"), "utf8"));

afterAll(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the migrated database matches schema.prisma", () => {
  it("has a model for every table and a table for every model", () => {
    const tables = db
      .prepare<[], { name: string }>(
        `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '\\_%' ESCAPE '\\' AND sql NOT LIKE 'CREATE VIRTUAL%'`,
      )
      .all()
      .map((row) => row.name)
      // FTS5 keeps shadow tables named after its virtual table; Prisma does not model them.
      .filter((name) => !/_fts(_\w+)?$/.test(name));
    expect(models.length).toBeGreaterThan(0);
    expect(tables.sort()).toEqual(models.map((m) => m.table).sort());
  });

  for (const model of models) {
    it(`${model.table}: columns, types and nullability`, () => {
      const columns = db
        .prepare<[], { name: string; type: string; notnull: number; pk: number }>(
          `SELECT name, type, "notnull", pk FROM pragma_table_info('${model.table}')`,
        )
        .all();
      const actual = columns.map((c) => ({
        column: c.name,
        type: c.type,
        optional: c.notnull === 0 && c.pk === 0,
      }));
      // A 64-bit id is still declared INTEGER: only `INTEGER PRIMARY KEY` is SQLite's fast rowid alias.
      const expected = model.fields.map((f) => ({
        column: f.column,
        type: f.id && f.type === "BigInt" ? "INTEGER" : AFFINITY[f.type],
        optional: f.optional,
      }));
      expect(actual.sort((a, b) => a.column.localeCompare(b.column))).toEqual(
        expected.sort((a, b) => a.column.localeCompare(b.column)),
      );
    });

    it(`${model.table}: every index and unique constraint of the schema exists`, () => {
      const indexes = db
        .prepare<[], { name: string; unique: number }>(
          `SELECT name, "unique" FROM pragma_index_list('${model.table}')`,
        )
        .all()
        .map((index) => ({
          unique: index.unique === 1,
          columns: db
            .prepare<[], { name: string }>(
              `SELECT name FROM pragma_index_info('${index.name}') ORDER BY seqno`,
            )
            .all()
            .map((c) => c.name)
            .join(","),
        }));
      for (const wanted of model.indexes) {
        expect(indexes.map((i) => i.columns)).toContain(wanted.join(","));
      }
      for (const wanted of model.uniques) {
        expect(indexes.filter((i) => i.unique).map((i) => i.columns)).toContain(wanted.join(","));
      }
    });
  }
});
