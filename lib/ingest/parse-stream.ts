import type { Readable } from "node:stream";
import { AuditParser, type ParseOutput, type ParseStats } from "../audit/parser";
import type { ParserLimits } from "../audit/types";

/** Drives a byte stream through the push parser, yielding what each chunk completed. */
export async function* parseStream(
  input: Readable,
  limits: Partial<ParserLimits> = {},
): AsyncGenerator<ParseOutput & { stats: ParseStats }> {
  const parser = new AuditParser(limits);
  for await (const chunk of input) {
    yield { ...parser.push(chunk as Buffer), stats: parser.stats };
  }
  yield { ...parser.end(), stats: parser.stats };
}
