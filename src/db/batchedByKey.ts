/**
 * One query for many calls by key: lookups (is this user a merged guest?) or writes (record this
 * result). While a query is in flight, the keys asked meanwhile wait and go together in the next
 * one, so the number of queries follows the database's pace rather than the callers': one key
 * alone costs one query, as before, and a burst of a thousand room joins costs a handful. Each
 * query to PostgreSQL costs the process a client round of CPU and a socket write that wakes a
 * backend, and each write statement a commit.
 */

interface Waiter<V> {
  resolve(value: V): void;
  reject(error: unknown): void;
}

/** At most this many keys in one query; the rest wait for the next. */
export const MAX_KEYS_PER_QUERY = 1000;

/**
 * `query` answers a set of distinct keys with a map; a key missing from the map gets `missing`.
 * A failed query rejects every call that was in it, and only those.
 */
export function batchedByKey<K, V>(
  query: (keys: K[]) => Promise<Map<K, V>>,
  missing: V,
): (key: K) => Promise<V> {
  const waiting = new Map<K, Array<Waiter<V>>>();
  let querying = false;

  const nextBatch = () => {
    const batch = new Map<K, Array<Waiter<V>>>();
    for (const [key, waiters] of waiting) {
      if (batch.size === MAX_KEYS_PER_QUERY) break;
      batch.set(key, waiters);
      waiting.delete(key);
    }
    return batch;
  };

  const drain = async () => {
    while (waiting.size > 0) {
      const batch = nextBatch();
      try {
        const found = await query([...batch.keys()]);
        for (const [key, waiters] of batch) {
          const value = found.has(key) ? found.get(key)! : missing;
          for (const waiter of waiters) waiter.resolve(value);
        }
      } catch (error) {
        for (const waiters of batch.values()) for (const waiter of waiters) waiter.reject(error);
      }
    }
    querying = false;
  };

  return (key) =>
    new Promise<V>((resolve, reject) => {
      const waiters = waiting.get(key);
      if (waiters) waiters.push({ resolve, reject });
      else waiting.set(key, [{ resolve, reject }]);
      if (querying) return;
      querying = true;
      // After the I/O callbacks of this turn of the event loop: calls made in the same turn
      // (a burst of connections read at once) share the first query too.
      setImmediate(drain);
    });
}
