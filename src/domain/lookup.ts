/**
 * `table[key]` for a key that came from outside (a slug, a status, a template name): only the table's
 * own entries count, so "constructor" or "__proto__" finds nothing instead of a member of
 * Object.prototype. Configuration maps are `Map`s; this is for the constant tables in code.
 */
export function lookup<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}
