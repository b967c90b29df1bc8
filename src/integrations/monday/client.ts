import { callProvider, type Fetcher, parseRetryAfter, type SendResult } from '../provider-call';

/**
 * monday.com platform API: GraphQL over one POST endpoint. Values only ever travel as GraphQL
 * variables, so a lead's name cannot change the document. Errors come in three eras (the unified
 * `errors[].extensions` of 2025-01 and later, the older top-level `error_code`, GraphQL's plain
 * `errors[]`), usually with HTTP 200: the answer is read for them whatever its status.
 */

/**
 * Pinned, not left to monday's default ("current" moves every quarter, and the error shapes changed
 * in 2025-01 and 2025-07). 2026-07 is the newest version the docs list as Current (stable, no breaking
 * changes for at least six months); it has the unified error format and the short complexity error.
 */
export const MONDAY_API_VERSION = '2026-07';
export const MONDAY_API_URL = 'https://api.monday.com/v2';

export interface MondayOptions {
  /** A personal or app token, sent as it is (no "Bearer"). */
  apiToken: string;
  apiUrl?: string;
  apiVersion?: string;
  timeoutMs: number;
  /** Status labels the board lacks are created (needs board-structure permission); otherwise monday refuses them. */
  createLabelsIfMissing?: boolean;
  now?: () => number;
}

export interface MondayItem {
  id: string;
  name: string;
}

export type MondayFailure = Extract<SendResult, { ok: false }> & { code?: string; requestId?: string };
export type MondayResult = Extract<SendResult, { ok: true }> | MondayFailure;
export type MondayItemsResult = { ok: true; statusCode: number; items: MondayItem[] } | MondayFailure;

const FIND_ITEMS = `query LeadgateFindItems($boardId: ID!, $columnId: String!, $value: String!, $limit: Int!) {
  items_page_by_column_values(board_id: $boardId, limit: $limit, columns: [{ column_id: $columnId, column_values: [$value] }]) {
    cursor
    items { id name }
  }
}`;

const CREATE_ITEM = `mutation LeadgateCreateItem($boardId: ID!, $groupId: String, $itemName: String!, $columnValues: JSON!, $createLabels: Boolean) {
  create_item(board_id: $boardId, group_id: $groupId, item_name: $itemName, column_values: $columnValues, create_labels_if_missing: $createLabels) { id }
}`;

const CHANGE_COLUMNS = `mutation LeadgateChangeColumns($boardId: ID!, $itemId: ID!, $columnValues: JSON!, $createLabels: Boolean) {
  change_multiple_column_values(board_id: $boardId, item_id: $itemId, column_values: $columnValues, create_labels_if_missing: $createLabels) { id }
}`;

/** Items whose column `columnId` holds `value` (ANY_OF match), first page. */
export async function findItemsByColumnValue(
  fetcher: Fetcher,
  o: MondayOptions,
  boardId: string,
  columnId: string,
  value: string,
  limit = 25,
): Promise<MondayItemsResult> {
  const answer = await graphql(fetcher, o, FIND_ITEMS, { boardId, columnId, value, limit });
  if (!answer.ok) return answer;
  const page = (answer.data as { items_page_by_column_values?: { items?: MondayItem[] } } | undefined)?.items_page_by_column_values;
  if (!page) return { ok: false, retryable: true, statusCode: answer.statusCode, error: 'monday answered without items_page_by_column_values' };
  return { ok: true, statusCode: answer.statusCode, items: page.items ?? [] };
}

export async function createItem(
  fetcher: Fetcher,
  o: MondayOptions,
  board: { boardId: string; groupId?: string },
  itemName: string,
  columnValues: Record<string, unknown>,
  idempotencyKey: string,
): Promise<MondayResult> {
  const variables: Record<string, unknown> = {
    boardId: board.boardId,
    itemName,
    columnValues: JSON.stringify(columnValues),
    createLabels: o.createLabelsIfMissing ?? true,
  };
  // Left out rather than null: an unset variable leaves the argument unset, and monday picks the top group.
  if (board.groupId) variables.groupId = board.groupId;
  return itemMutation(await graphql(fetcher, o, CREATE_ITEM, variables, idempotencyKey), 'create_item');
}

export async function changeMultipleColumnValues(
  fetcher: Fetcher,
  o: MondayOptions,
  boardId: string,
  itemId: string,
  columnValues: Record<string, unknown>,
  idempotencyKey: string,
): Promise<MondayResult> {
  const variables = { boardId, itemId, columnValues: JSON.stringify(columnValues), createLabels: o.createLabelsIfMissing ?? true };
  return itemMutation(await graphql(fetcher, o, CHANGE_COLUMNS, variables, idempotencyKey), 'change_multiple_column_values');
}

/**
 * The person's item, found by the email column: the first match is updated, or a new item is created.
 * Looking up first makes a retry after a lost answer (past monday's 30-minute idempotency window)
 * update the item the first try created. The name is set only on creation: afterwards the board's
 * item name is the sales team's to edit. Each mutation gets a key of its own derived from the
 * caller's, so a create and a later update are never taken for replays of each other.
 */
export async function upsertItemByEmail(
  fetcher: Fetcher,
  o: MondayOptions,
  board: { boardId: string; groupId?: string },
  item: { emailColumnId: string; email: string; itemName: string; columnValues: Record<string, unknown> },
  idempotencyKey: string,
): Promise<MondayResult> {
  const found = await findItemsByColumnValue(fetcher, o, board.boardId, item.emailColumnId, item.email, 1);
  if (!found.ok) return found;
  const existing = found.items[0];
  return existing
    ? changeMultipleColumnValues(fetcher, o, board.boardId, existing.id, item.columnValues, `${idempotencyKey}:update`)
    : createItem(fetcher, o, board, item.itemName, item.columnValues, `${idempotencyKey}:create`);
}

function itemMutation(answer: GraphqlAnswer, field: string): MondayResult {
  if (!answer.ok) return answer;
  const id = (answer.data as Record<string, { id?: string | number } | undefined> | undefined)?.[field]?.id;
  if (id === undefined || id === null)
    return { ok: false, retryable: true, statusCode: answer.statusCode, error: `monday answered ${field} without an item id` };
  return { ok: true, statusCode: answer.statusCode, reference: String(id) };
}

type GraphqlAnswer = { ok: true; statusCode: number; data: unknown; requestId?: string } | MondayFailure;

async function graphql(fetcher: Fetcher, o: MondayOptions, query: string, variables: Record<string, unknown>, idempotencyKey?: string): Promise<GraphqlAnswer> {
  const headers: Record<string, string> = {
    authorization: o.apiToken,
    'api-version': o.apiVersion ?? MONDAY_API_VERSION,
    'content-type': 'application/json',
  };
  if (idempotencyKey) headers['idempotency-key'] = idempotencyKey;
  const request = new Request(o.apiUrl ?? MONDAY_API_URL, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });

  // callProvider keeps only the start of a failed answer; monday's error body is needed whole.
  const answer: { headers?: Headers; failedText?: string } = {};
  const result = await callProvider(
    async (r) => {
      const res = await fetcher(r);
      answer.headers = res.headers;
      if (!res.ok) answer.failedText = await res.clone().text();
      return res;
    },
    request,
    { timeoutMs: o.timeoutMs },
  );
  if (!result.ok && !answer.headers) return result; // no answer at all: a timeout or a network error
  const now = o.now?.() ?? Date.now();
  const retryAfterSeconds = (!result.ok ? result.retryAfterSeconds : undefined) ?? parseRetryAfter(answer.headers?.get('retry-after') ?? null, now);

  if (result.ok) {
    const body = result.body as MondayAnswer | undefined;
    const problems = problemsOf(body);
    const requestId = body?.extensions?.request_id;
    if (problems.length > 0) return failure(problems, { statusCode: result.statusCode, retryable: false, retryAfterSeconds, requestId, now });
    return { ok: true, statusCode: result.statusCode, data: body?.data, requestId };
  }
  const body = parseJson(answer.failedText ?? '') as MondayAnswer | undefined;
  const problems = problemsOf(body);
  if (problems.length === 0) return result.retryable && retryAfterSeconds !== undefined ? { ...result, retryAfterSeconds } : result;
  return failure(problems, { statusCode: result.statusCode, retryable: result.retryable, retryAfterSeconds, requestId: body?.extensions?.request_id, now });
}

interface MondayAnswer {
  data?: unknown;
  errors?: Array<string | { message?: string; extensions?: { code?: string; status_code?: number; retry_in_seconds?: number } }>;
  error_code?: string;
  error_message?: string;
  status_code?: number;
  extensions?: { request_id?: string };
}

interface Problem {
  code?: string;
  message: string;
  statusCode?: number;
  retryInSeconds?: number;
}

/** Every error in the answer, in whichever of monday's shapes it came. */
function problemsOf(body: MondayAnswer | undefined): Problem[] {
  if (!body || typeof body !== 'object') return [];
  const problems: Problem[] = [];
  const legacy = Boolean(body.error_code || body.error_message);
  if (legacy) problems.push({ code: body.error_code, message: body.error_message ?? '', statusCode: body.status_code });
  for (const e of Array.isArray(body.errors) ? body.errors : []) {
    // Bare strings next to a top-level error_code repeat it (the legacy complexity error does so).
    if (typeof e === 'string') {
      if (!legacy) problems.push({ message: e });
    } else
      problems.push({
        code: e.extensions?.code,
        message: e.message ?? '',
        statusCode: e.extensions?.status_code,
        retryInSeconds: e.extensions?.retry_in_seconds,
      });
  }
  return problems;
}

/** Budgets that refill: trying again later succeeds. */
const RATE_LIMITED = new Set([
  'COMPLEXITY_BUDGET_EXHAUSTED',
  'ComplexityException',
  'RATE_LIMIT_EXCEEDED',
  'IP_RATE_LIMIT_EXCEEDED',
  'maxConcurrencyExceeded',
  'DAILY_LIMIT_EXCEEDED',
  'IDEMPOTENCY_CONFLICT',
]);

/** The request itself is wrong (ids, values, permissions): the same request fails the same way. */
const REFUSED = new Set([
  'UserUnauthorizedException',
  'USER_UNAUTHORIZED',
  'ColumnValueException',
  'CorrectedValueException',
  'InvalidColumnIdException',
  'InvalidBoardIdException',
  'InvalidItemIdException',
  'InvalidGroupIdException',
  'ResourceNotFoundException',
  'ItemsLimitationException',
  'ItemNameTooLongException',
  'InvalidArgumentException',
  'CreateBoardException',
]);

function failure(
  problems: Problem[],
  at: { statusCode: number | undefined; retryable: boolean; retryAfterSeconds?: number; requestId?: string; now: number },
): MondayFailure {
  const verdicts = problems.map((p) => {
    const rateLimited = RATE_LIMITED.has(p.code ?? '') || (!p.code && /rate limit exceeded/i.test(p.message));
    if (rateLimited) return { p, retryable: true, wait: waitFor(p, at.now) };
    if (REFUSED.has(p.code ?? '')) return { p, retryable: false };
    // An unknown code: monday's own status for it decides, else the HTTP status does.
    const status = p.statusCode ?? at.statusCode;
    return { p, retryable: status !== undefined && status !== 200 ? status === 429 || status >= 500 : at.retryable };
  });
  const decisive = verdicts.find((v) => !v.retryable) ?? verdicts[0]!;
  const retryable = verdicts.every((v) => v.retryable);
  const waits = verdicts.map((v) => v.wait).filter((w): w is number => w !== undefined);
  const retryAfterSeconds = retryable ? (waits.length > 0 ? Math.max(...waits) : at.retryAfterSeconds) : undefined;
  const { code, message } = decisive.p;
  return {
    ok: false,
    retryable,
    statusCode: at.statusCode,
    ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}),
    error: `monday ${code ?? 'error'}: ${message.slice(0, 400)}${at.requestId ? ` (request ${at.requestId})` : ''}`,
    ...(code ? { code } : {}),
    ...(at.requestId ? { requestId: at.requestId } : {}),
  };
}

/** How long monday asks us to wait: its hint, the legacy "reset in N seconds", or midnight UTC for the daily cap. */
function waitFor(p: Problem, now: number): number | undefined {
  if (typeof p.retryInSeconds === 'number') return p.retryInSeconds;
  const reset = /reset in (\d+) seconds?/i.exec(p.message);
  if (reset) return Number(reset[1]);
  if (p.code === 'DAILY_LIMIT_EXCEEDED') {
    const midnight = new Date(now);
    midnight.setUTCHours(24, 0, 0, 0);
    return Math.ceil((midnight.getTime() - now) / 1000);
  }
  return undefined;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
