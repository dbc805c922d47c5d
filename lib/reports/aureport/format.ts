import { toI32 } from "./c-text";
import { S_FAILED, S_SUCCESS } from "./items";

/** How aureport prints values in its numeric (default) mode. */

/** aulookup_uid(): printf("%d") of a uid_t. */
export const uidText = (uid: number) => String(toI32(uid));

/** printf("%u") of an int (a pid of -1 prints as 4294967295). */
export const unsignedText = (n: number) => String(n < 0 ? n + 2 ** 32 : n);

/** aulookup_success(). */
export function successText(success: number): string {
  if (success === S_SUCCESS) return "yes";
  if (success === S_FAILED) return "no";
  return "unset";
}

/** printf("%s") of a possibly NULL string, as glibc prints it. */
export const orNull = (text: string | null) => text ?? "(null)";

/** The `x ? x : "?"` aureport writes for optional columns. */
export const orQuestion = (text: string | null) => text ?? "?";
