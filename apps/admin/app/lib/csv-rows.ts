/**
 * Counts CSV records in a byte stream as it arrives: a newline inside a quoted field (a
 * customer name with a line break) is not a record end. `""` toggles twice, so it is safe.
 */
export function createCsvRowCounter() {
  let inQuotes = false;
  let lines = 0;
  return {
    push(chunk: Uint8Array) {
      for (const b of chunk) {
        if (b === 0x22) inQuotes = !inQuotes;
        else if (b === 0x0a && !inQuotes) lines++;
      }
    },
    /** Data rows seen so far (the header line excluded). */
    get rows() {
      return Math.max(0, lines - 1);
    },
  };
}
