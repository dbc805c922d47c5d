import Papa from "papaparse";
import { describe, expect, it } from "vitest";
import { csvPieces } from "./pieces";

const csv = (rows: (string | number)[][]) => [...csvPieces(["a", "b"], rows)].join("");

describe("CSV of a report", () => {
  it("defuses cells a spreadsheet would run as a formula, keeping numbers as they are", () => {
    const text = csv([
      ['=HYPERLINK("http://x")', "+1"],
      ["-2+3", "@SUM(A1)"],
      [-1, "plain"],
    ]);
    const rows = Papa.parse<string[]>(text, { skipEmptyLines: true }).data;
    expect(rows).toEqual([
      ["a", "b"],
      ['\'=HYPERLINK("http://x")', "'+1"],
      ["'-2+3", "'@SUM(A1)"],
      ["-1", "plain"],
    ]);
  });

  it("quotes separators, decodes the log's UTF-8 and shows control and bidi characters as escapes", () => {
    // Report values hold the log's bytes one char per byte: here ESC and U+202E's UTF-8 bytes.
    const text = csv([["a,b\r\nc", "x\u001b[31my\u00e2\u0080\u00ae"]]);
    expect(text).toBe('a,b\r\n"a,b\\x0d\\x0ac",x\\x1b[31my\\u202e\r\n');
  });

  it("writes every row of a long report, in order", () => {
    const rows = Array.from({ length: 2500 }, (_, i) => [i, `v${i}`]);
    const parsed = Papa.parse<string[]>(csv(rows), { skipEmptyLines: true }).data;
    expect(parsed).toHaveLength(2501);
    expect(parsed.at(-1)).toEqual(["2499", "v2499"]);
  });
});
