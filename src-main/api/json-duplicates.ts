/**
 * The first key that appears twice in one object of a JSON text, or null.
 * JSON.parse keeps the last of duplicates silently, so `{"quantity": "1",
 * "quantity": "100"}` would mean what a reviewer of the first line did not
 * see. Only for text that already parsed as JSON: it tracks structure, not
 * syntax.
 */
export function duplicateKey(text: string): string | null {
  if (!text.includes('{')) return null;
  // per open container: the keys seen (an object) or null (an array)
  const stack: Array<Set<string> | null> = [];
  let expectKey = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      let j = i + 1;
      let escaped = false;
      while (j < text.length) {
        const d = text.charCodeAt(j);
        if (d === 0x5c) {
          escaped = true;
          j += 2;
          continue;
        }
        if (d === 0x22) break;
        j++;
      }
      if (expectKey) {
        const raw = text.slice(i, j + 1);
        // "a" and "\u0061" are the same key
        const key = escaped ? (JSON.parse(raw) as string) : raw.slice(1, -1);
        const keys = stack[stack.length - 1]!;
        if (keys.has(key)) return key;
        keys.add(key);
        expectKey = false;
      }
      i = j;
    } else if (c === 0x7b) {
      stack.push(new Set());
      expectKey = true;
    } else if (c === 0x5b) {
      stack.push(null);
      expectKey = false;
    } else if (c === 0x7d || c === 0x5d) {
      stack.pop();
      expectKey = false;
    } else if (c === 0x2c) {
      expectKey = stack[stack.length - 1] instanceof Set;
    }
  }
  return null;
}
