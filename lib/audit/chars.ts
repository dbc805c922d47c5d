/** Where the run of ASCII digits in text[from, end) ends (`from` when there is none). */
export function digitsEnd(text: string, from: number, end = text.length): number {
  let i = from;
  while (i < end) {
    const c = text.charCodeAt(i);
    if (c < 0x30 || c > 0x39) break;
    i++;
  }
  return i;
}
