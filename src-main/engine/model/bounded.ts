/**
 * Keeps a Map or Set to its newest `limit` keys (in first-insertion order):
 * call the returned `trim()` after adding. It holds one live iterator over the
 * collection, so each call steps past the entries it removes and no more.
 * A fresh `keys().next()` per call would instead walk over every entry
 * deleted since V8 last compacted the table — thousands per call once the
 * collection is full, which made each closed order cost microseconds.
 * A Map iterator is live (it sees later entries and skips deleted ones) and
 * never ends while the collection holds anything past it, which is where
 * every newer entry goes.
 */
export function keepNewest<K>(collection: Map<K, unknown> | Set<K>, limit: number): () => void {
  const oldest = collection.keys();
  return () => {
    while (collection.size > limit) {
      const next = oldest.next();
      if (next.done) return;
      collection.delete(next.value);
    }
  };
}
