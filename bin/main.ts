import { UsageError } from "../lib/cli/usage-error";
import { escapeInvisible } from "../lib/format/escape";
import { datasetsCommand } from "./commands/datasets";
import { ingestCommand } from "./commands/ingest";
import { parseCommand } from "./commands/parse";
import { reportCommand } from "./commands/report";
import { serveCommand } from "./commands/serve";
import { statsCommand } from "./commands/stats";

interface Command {
  summary: string;
  run: (args: string[]) => Promise<number>;
}

const commands: Record<string, Command> = {
  parse: {
    summary: "print audit logs as JSON Lines, one event per line (or --count them)",
    run: parseCommand,
  },
  ingest: {
    summary: "parse audit logs into the event store (a new dataset, or --dataset ID)",
    run: ingestCommand,
  },
  datasets: { summary: "list the datasets", run: datasetsCommand },
  stats: { summary: "print a dataset's counts as JSON", run: statsCommand },
  report: { summary: "print one of aureport's reports of a dataset (text or --json)", run: reportCommand },
  serve: { summary: "apply migrations, build if needed and serve the dashboard", run: serveCommand },
};

const HELP = `auditscope — investigate Linux audit logs

Usage: auditscope <command> [options]

Commands:
${Object.entries(commands)
  .map(([name, command]) => `  ${name.padEnd(10)} ${command.summary}`)
  .join("\n")}

Run 'auditscope <command> --help' for a command's options.
The database is --db FILE, else $AUDITSCOPE_DB, else data/auditscope.db.
`;

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === "--help" || name === "-h" || name === "help") {
    process.stdout.write(HELP);
    return 0;
  }
  const command = commands[name];
  if (!command) throw new UsageError(`unknown command '${name}' (see 'auditscope --help')`);
  return command.run(rest);
}

// A reader that stops early (`auditscope report … | head`) is not an error: stop quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  process.exit(0);
});

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    // Messages quote what was typed or read (a flag, a file name): never raw to the terminal.
    if (error instanceof UsageError) {
      process.stderr.write(`auditscope: ${escapeInvisible(error.message)}\n`);
      process.exitCode = 2;
      return;
    }
    process.stderr.write(
      `auditscope: ${escapeInvisible(error instanceof Error ? error.message : String(error))}\n`,
    );
    process.exitCode = 1;
  },
);
