import { describe, expect, it } from "vitest";
import { eventFacts } from "./event-facts";
import { parseBuffer } from "./parser";
import { summarize } from "./summary";

const summaryOf = (line: string) => {
  const [event] = parseBuffer(Buffer.from(`${line}\n`, "latin1")).events;
  if (!event) throw new Error("no event");
  return summarize(eventFacts(event));
};

// Names an object literal inherits: a log may hold any of them where a syscall or a type goes.
const INHERITED = ["__proto__", "constructor", "toString", "valueOf", "hasOwnProperty"];

describe("summaries of hostile names", () => {
  it.each(INHERITED)("reads syscall=%s as a syscall it does not know", (name) => {
    expect(
      summaryOf(
        `type=SYSCALL msg=audit(1700000000.000:2): arch=c000003e syscall=${name} success=yes exit=0 pid=1 uid=0`,
      ),
    ).toMatchObject({ action: `called ${name}`, result: "success" });
  });

  it.each(INHERITED)("reads type=%s as a type it does not know", (name) => {
    expect(summaryOf(`type=${name} msg=audit(1700000000.000:2): pid=1 uid=0`)).toMatchObject({
      action: name.toLowerCase().replaceAll("_", " "),
    });
  });

  it("still describes the syscalls and types it knows", () => {
    expect(
      summaryOf(
        `type=SYSCALL msg=audit(1700000000.000:2): arch=c000003e syscall=59 success=yes exit=0 pid=1 uid=0 exe="/bin/ls"`,
      ).action,
    ).toBe("executed");
    expect(
      summaryOf(
        `type=USER_LOGIN msg=audit(1700000000.000:3): pid=1 uid=0 auid=0 ses=1 msg='acct="root" res=success'`,
      ).action,
    ).toBe("logged in");
  });
});
