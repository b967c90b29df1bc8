/** A page of rows fetched with `limit + 1`, newest first by UUIDv7 id: the extra row only says "there is more". */
export interface Page<T> {
  items: T[];
  /** Id of the last item, to pass back as `after`; null on the last page. */
  next: string | null;
}

export function keysetPage<T extends { id: string }>(rows: T[], limit: number): Page<T> {
  const items = rows.slice(0, limit);
  return { items, next: rows.length > limit ? items[items.length - 1]!.id : null };
}
