import { HttpResponse, http } from 'msw';

/**
 * A monday.com board behind its GraphQL API, as the chatbot tests need it: items found by a column's
 * value, created, and changed, answered in monday's shapes (`data`, `account_id`; a replayed
 * Idempotency-Key gets the first answer). Tests read `mondayBoard` to see what is on the board.
 */
export interface BoardItem {
  id: string;
  name: string;
  columns: Record<string, unknown>;
}
export const mondayBoard = new Map<string, BoardItem>();
const replays = new Map<string, Record<string, unknown>>();
let nextId = 9_000_000_000;

const textOf = (value: unknown): string | undefined => {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') {
    const v = value as Record<string, unknown>;
    return (v.email ?? v.phone ?? v.label ?? v.text ?? v.date) as string | undefined;
  }
  return undefined;
};

export function mondayItemsByEmail(email: string): BoardItem[] {
  return [...mondayBoard.values()].filter((i) => textOf(i.columns.email)?.toLowerCase() === email.toLowerCase());
}

export const MONDAY_URL = 'https://api.monday.com/v2';

/** The board's answer to one GraphQL request. */
export async function mondayAnswer(request: { headers: Headers; json(): Promise<unknown> }): Promise<Response> {
  const key = request.headers.get('idempotency-key');
  if (key && replays.has(key)) return HttpResponse.json(replays.get(key)!);
  const { query, variables } = (await request.json()) as { query: string; variables: Record<string, string> };
  let answer: Record<string, unknown>;
  if (query.includes('items_page_by_column_values')) {
    const items = [...mondayBoard.values()].filter((i) => textOf(i.columns[variables.columnId!]) === variables.value).map((i) => ({ id: i.id, name: i.name }));
    answer = { data: { items_page_by_column_values: { cursor: null, items } }, account_id: 123 };
  } else if (query.includes('create_item')) {
    const id = String(nextId++);
    mondayBoard.set(id, { id, name: variables.itemName!, columns: JSON.parse(variables.columnValues!) });
    answer = { data: { create_item: { id } }, account_id: 123 };
  } else if (query.includes('change_multiple_column_values')) {
    const item = mondayBoard.get(String(variables.itemId));
    if (!item) answer = { errors: [{ message: 'Item not found', extensions: { code: 'InvalidItemIdException' } }], account_id: 123 };
    else {
      Object.assign(item.columns, JSON.parse(variables.columnValues!));
      answer = { data: { change_multiple_column_values: { id: item.id } }, account_id: 123 };
    }
  } else answer = { errors: [{ message: 'Unknown query', extensions: { code: 'GRAPHQL_VALIDATION_FAILED' } }] };
  if (key) replays.set(key, answer);
  return HttpResponse.json(answer);
}

export const mondayAnswers = http.post(MONDAY_URL, ({ request }) => mondayAnswer(request));
