import { HttpResponse, http } from 'msw';
import { describe, expect, it } from 'vitest';
import { changeMultipleColumnValues, createItem, findItemsByColumnValue, MONDAY_API_VERSION, upsertItemByEmail } from '../../src/integrations/monday/client';
import { buildMondayItem, DEFAULT_MONDAY_COLUMNS, mondayColumnMapSchema, phoneColumnValue } from '../../src/integrations/monday/columns';
import { server } from '../support/msw';

const MONDAY = 'https://api.monday.com/v2';
const o = { apiToken: 'eyJhbGciOiJIUzI1NiJ9.monday-test-token', timeoutMs: 1000 };
const fetcher = (r: Request) => fetch(r);
const board = { boardId: '1234567890', groupId: 'topics' };

interface Seen {
  headers: Record<string, string>;
  raw: string;
  query: string;
  variables: Record<string, any>;
}

/**
 * A board as monday's API answers for it: items found by a column value, created, changed. Answers carry
 * account_id and extensions.request_id as monday's do; column_values must arrive as a JSON string.
 */
function mondayBoard() {
  const seen: Seen[] = [];
  const items: Array<{ id: string; name: string; group?: string; columns: Record<string, any> }> = [];
  let next = 9876543210;
  server.use(
    http.post(MONDAY, async ({ request }) => {
      const raw = await request.text();
      const { query, variables } = JSON.parse(raw) as { query: string; variables: Record<string, any> };
      seen.push({ headers: Object.fromEntries(request.headers), raw, query, variables });
      const answer = (data: unknown) => HttpResponse.json({ data, account_id: 123456, extensions: { request_id: `req-${seen.length}` } });
      if (query.includes('items_page_by_column_values')) {
        const matches = items.filter((i) => i.columns[variables.columnId]?.email === variables.value || i.columns[variables.columnId] === variables.value);
        return answer({ items_page_by_column_values: { cursor: null, items: matches.slice(0, variables.limit).map(({ id, name }) => ({ id, name })) } });
      }
      expect(typeof variables.columnValues).toBe('string');
      const columns = JSON.parse(variables.columnValues);
      if (query.includes('create_item')) {
        const item = { id: String(next++), name: variables.itemName, group: variables.groupId, columns };
        items.push(item);
        return answer({ create_item: { id: item.id } });
      }
      if (query.includes('change_multiple_column_values')) {
        const item = items.find((i) => i.id === variables.itemId);
        if (!item) {
          return HttpResponse.json({
            errors: [{ message: 'Item not found', extensions: { code: 'InvalidItemIdException', status_code: 200, error_data: {} } }],
            account_id: 123456,
          });
        }
        Object.assign(item.columns, columns);
        return answer({ change_multiple_column_values: { id: item.id } });
      }
      throw new Error(`unexpected document: ${query}`);
    }),
  );
  return { seen, items };
}

/** monday answering every call with one fixed answer (errors arrive with HTTP 200 as often as not). */
function mondayAnswers(status: number, body: string | Record<string, unknown>, headers: Record<string, string> = {}) {
  const seen: Seen[] = [];
  server.use(
    http.post(MONDAY, async ({ request }) => {
      const raw = await request.text();
      const { query, variables } = JSON.parse(raw);
      seen.push({ headers: Object.fromEntries(request.headers), raw, query, variables });
      return typeof body === 'string' ? new HttpResponse(body, { status, headers }) : HttpResponse.json(body, { status, headers });
    }),
  );
  return seen;
}

const lead = {
  name: 'Anna Kowalska',
  email: 'Anna.Kowalska@Example.pl ',
  phone: '+48 600 100 200',
  topic: 'Wycena strony',
  source: 'Facebook Ads',
  package: 'Premium',
  status: 'Nowy lead',
  meetingAt: '2026-06-15T07:30:00Z',
};

describe('monday: look up by email, then update or create', () => {
  it('creates an item when the email is not on the board: item name, group, column JSON, labels created', async () => {
    const { seen, items } = mondayBoard();
    const item = buildMondayItem(lead, DEFAULT_MONDAY_COLUMNS, 'Europe/Warsaw');
    const result = await upsertItemByEmail(
      fetcher,
      o,
      board,
      { emailColumnId: 'email', email: 'anna.kowalska@example.pl', itemName: item.itemName, columnValues: item.columnValues },
      'delivery-1',
    );
    expect(result).toEqual({ ok: true, statusCode: 200, reference: '9876543210' });
    expect(seen.map((s) => /^(query|mutation) (\w+)/.exec(s.query)?.[2])).toEqual(['LeadgateFindItems', 'LeadgateCreateItem']);
    expect(seen[0]!.variables).toEqual({ boardId: '1234567890', columnId: 'email', value: 'anna.kowalska@example.pl', limit: 1 });
    expect(seen[1]!.variables).toMatchObject({ boardId: '1234567890', groupId: 'topics', itemName: 'Anna Kowalska', createLabels: true });
    expect(JSON.parse(seen[1]!.variables.columnValues)).toEqual({
      email: { email: 'anna.kowalska@example.pl', text: 'anna.kowalska@example.pl' },
      phone: { phone: '+48600100200', countryShortName: 'PL' },
      text1: 'Wycena strony',
      status1: { label: 'Facebook Ads' },
      status2: { label: 'Premium' },
      status: { label: 'Nowy lead' },
      // 07:30 UTC in June is 09:30 in Warsaw (CEST).
      date: { date: '2026-06-15' },
      time: { hour: 9, minute: 30 },
    });
    expect(items).toHaveLength(1);
  });

  it('updates the first match instead of creating a second item, and keeps the item name the team may have edited', async () => {
    const { seen, items } = mondayBoard();
    const first = buildMondayItem(lead, DEFAULT_MONDAY_COLUMNS, 'Europe/Warsaw');
    const target = { emailColumnId: 'email', email: 'anna.kowalska@example.pl', itemName: first.itemName, columnValues: first.columnValues };
    await upsertItemByEmail(fetcher, o, board, target, 'delivery-1');
    const later = buildMondayItem({ ...lead, name: 'Anna K.', status: 'Spotkanie umówione' }, DEFAULT_MONDAY_COLUMNS, 'Europe/Warsaw');
    const result = await upsertItemByEmail(fetcher, o, board, { ...target, itemName: later.itemName, columnValues: later.columnValues }, 'delivery-2');

    expect(result).toMatchObject({ ok: true, reference: '9876543210' });
    expect(items).toHaveLength(1);
    expect(items[0]!.name).toBe('Anna Kowalska');
    expect(items[0]!.columns.status).toEqual({ label: 'Spotkanie umówione' });
    const update = seen[3]!;
    expect(update.query).toMatch(/^mutation LeadgateChangeColumns/);
    expect(update.variables).toMatchObject({ boardId: '1234567890', itemId: '9876543210', createLabels: true });
    expect(JSON.parse(update.variables.columnValues)).not.toHaveProperty('name');
    // Each mutation's key is derived from the delivery: a create and an update are never replays of each other.
    expect(seen[1]!.headers['idempotency-key']).toBe('delivery-1:create');
    expect(update.headers['idempotency-key']).toBe('delivery-2:update');
  });

  it('finds items by a column value', async () => {
    const { seen } = mondayBoard();
    await createItem(fetcher, o, { boardId: '1234567890' }, 'Jan', { email: { email: 'jan@example.pl', text: 'jan@example.pl' } }, 'k-1');
    expect(await findItemsByColumnValue(fetcher, o, '1234567890', 'email', 'jan@example.pl')).toEqual({
      ok: true,
      statusCode: 200,
      items: [{ id: '9876543210', name: 'Jan' }],
    });
    expect(await findItemsByColumnValue(fetcher, o, '1234567890', 'email', 'nobody@example.pl')).toMatchObject({ ok: true, items: [] });
    // Without a group the variable is left out, so monday puts the item in the top group.
    expect(seen[0]!.variables).not.toHaveProperty('groupId');
    expect(seen[1]!.variables.limit).toBe(25);
  });

  it('mutations carry Authorization, a pinned API-Version, JSON and the Idempotency-Key; queries no key', async () => {
    const { seen } = mondayBoard();
    await createItem(fetcher, o, board, 'Jan', { text1: 'x' }, 'delivery-7');
    await changeMultipleColumnValues(fetcher, o, '1234567890', '9876543210', { text1: 'y' }, 'delivery-8');
    await findItemsByColumnValue(fetcher, o, '1234567890', 'text1', 'y');
    for (const s of seen) {
      expect(s.headers.authorization).toBe(o.apiToken);
      expect(s.headers['api-version']).toBe(MONDAY_API_VERSION);
      expect(s.headers['content-type']).toBe('application/json');
    }
    expect(MONDAY_API_VERSION).toMatch(/^\d{4}-(01|04|07|10)$/);
    expect(seen.map((s) => s.headers['idempotency-key'])).toEqual(['delivery-7', 'delivery-8', undefined]);
  });
});

describe('monday: values travel only as GraphQL variables', () => {
  it('a name with quotes, newlines, backslashes and emoji arrives byte for byte, and the document never contains it', async () => {
    const { seen } = mondayBoard();
    const name = 'Zoë "Zee" O\'Brien\n\\ 2nd line \\"}) { id } } mutation { delete_board(board_id: 1) { id } } 🎉👩‍💻';
    const email = 'zoe"}@example.pl';
    const result = await upsertItemByEmail(fetcher, o, board, { emailColumnId: 'email', email, itemName: name, columnValues: { text1: name } }, 'k');
    expect(result).toMatchObject({ ok: true });
    const [lookup, create] = seen;
    expect(lookup!.variables.value).toBe(email);
    expect(new TextEncoder().encode(create!.variables.itemName)).toEqual(new TextEncoder().encode(name));
    expect(JSON.parse(create!.variables.columnValues).text1).toBe(name);
    for (const s of seen) {
      for (const fragment of ['Zoë', "O'Brien", 'delete_board', '🎉', 'zoe"}', '\\ 2nd']) expect(s.query).not.toContain(fragment);
      // The documents are constants: only the variables differ between calls.
      expect(s.query).toMatch(/^(query|mutation) Leadgate\w+\(\$boardId: ID!/);
    }
    expect(create!.query).toContain('$itemName: String!');
    expect(create!.query).toContain('$columnValues: JSON!');
    expect(create!.query).toContain('create_labels_if_missing: $createLabels');
  });
});

describe('monday errors, read from the body whatever the status', () => {
  const call = (now?: number) => createItem(fetcher, { ...o, ...(now ? { now: () => now } : {}) }, board, 'Jan', { status: { label: 'Nowy' } }, 'k-err');

  it('complexity budget exhausted with HTTP 200 (2025-07+ shape) → retryable after retry_in_seconds', async () => {
    mondayAnswers(200, {
      errors: [{ message: 'Complexity budget exhausted', extensions: { code: 'COMPLEXITY_BUDGET_EXHAUSTED', retry_in_seconds: 37 } }],
      account_id: 123456,
      extensions: { request_id: 'b5ed2e17-c530' },
    });
    expect(await call()).toEqual({
      ok: false,
      retryable: true,
      statusCode: 200,
      retryAfterSeconds: 37,
      code: 'COMPLEXITY_BUDGET_EXHAUSTED',
      requestId: 'b5ed2e17-c530',
      error: 'monday COMPLEXITY_BUDGET_EXHAUSTED: Complexity budget exhausted (request b5ed2e17-c530)',
    });
  });

  it('the legacy ComplexityException (top-level error_code, "reset in N seconds") → retryable after N', async () => {
    mondayAnswers(200, {
      error_code: 'ComplexityException',
      status_code: 429,
      error_message: 'Complexity budget exhausted, query cost 30001 budget remaining 19986 out of 1000000 reset in 3 seconds',
      error_data: {},
      errors: ['Complexity budget exhausted, query cost 30001 budget remaining 19986 out of 1000000 reset in 3 seconds'],
      account_id: 1234567890,
    });
    expect(await call()).toMatchObject({ ok: false, retryable: true, retryAfterSeconds: 3, code: 'ComplexityException' });
  });

  it("a column value monday refuses (HTTP 200) → not retryable, with monday's message", async () => {
    const message =
      'invalid value - label does not exist in column. Please check our API documentation for the correct data structure for this column. https://developer.monday.com/api-reference/docs/change-column-values';
    mondayAnswers(200, {
      data: { create_item: null },
      errors: [
        {
          message,
          locations: [{ line: 1, column: 10 }],
          path: ['create_item'],
          extensions: { code: 'ColumnValueException', status_code: 200, error_data: { column_type: 'color' } },
        },
      ],
      account_id: 123456,
    });
    const result = await call();
    expect(result).toMatchObject({ ok: false, retryable: false, statusCode: 200, code: 'ColumnValueException' });
    expect(result.ok === false && result.error).toBe(`monday ColumnValueException: ${message}`);
    expect(result).not.toHaveProperty('retryAfterSeconds');
  });

  it('unauthorized (HTTP 200, extensions.status_code 403) → not retryable', async () => {
    mondayAnswers(200, {
      data: [],
      errors: [
        {
          message: 'User unauthorized to perform action',
          locations: [{ line: 2, column: 3 }],
          path: ['create_item'],
          extensions: { code: 'UserUnauthorizedException', error_data: {}, status_code: 403 },
        },
      ],
      account_id: 123456,
    });
    expect(await call()).toMatchObject({ ok: false, retryable: false, code: 'UserUnauthorizedException', error: expect.stringContaining('User unauthorized') });
  });

  it('a GraphQL parse error (no code) → not retryable', async () => {
    mondayAnswers(200, { errors: [{ message: 'Parse error on ")" (RPAREN) at [59, 15]', locations: [{ line: 59, column: 15 }] }], account_id: 123456 });
    expect(await call()).toMatchObject({ ok: false, retryable: false, error: 'monday error: Parse error on ")" (RPAREN) at [59, 15]' });
  });

  it("the minute rate limit (HTTP 429, Retry-After) and the IP limit → retryable with monday's delay", async () => {
    mondayAnswers(
      429,
      { errors: [{ message: 'Rate Limit Exceeded', extensions: { code: 'RATE_LIMIT_EXCEEDED' } }], account_id: 123456 },
      { 'retry-after': '15' },
    );
    expect(await call()).toMatchObject({ ok: false, retryable: true, statusCode: 429, retryAfterSeconds: 15, code: 'RATE_LIMIT_EXCEEDED' });
    mondayAnswers(429, { errors: [{ message: 'IP rate limit exceeded', extensions: { code: 'IP_RATE_LIMIT_EXCEEDED', retry_in_seconds: 30 } }] });
    expect(await call()).toMatchObject({ ok: false, retryable: true, retryAfterSeconds: 30 });
    mondayAnswers(429, { error_message: 'Rate Limit Exceeded.', status_code: 429 }, { 'retry-after': '60' });
    expect(await call()).toMatchObject({ ok: false, retryable: true, retryAfterSeconds: 60 });
  });

  it('the daily limit → retryable at the next midnight UTC', async () => {
    mondayAnswers(200, { errors: [{ message: 'Daily limit exceeded', extensions: { code: 'DAILY_LIMIT_EXCEEDED', status_code: 429 } }] });
    expect(await call(Date.parse('2026-12-01T21:30:00Z'))).toMatchObject({ ok: false, retryable: true, retryAfterSeconds: 2.5 * 3600 });
  });

  it('5xx and network errors → retryable; a 500 naming a wrong board id → not retryable', async () => {
    mondayAnswers(500, { error_message: 'Internal server error', status_code: 500 });
    expect(await call()).toMatchObject({ ok: false, retryable: true, statusCode: 500, error: 'monday error: Internal server error' });
    mondayAnswers(502, '<html><body>Bad gateway</body></html>', { 'content-type': 'text/html' });
    expect(await call()).toMatchObject({ ok: false, retryable: true, statusCode: 502 });
    mondayAnswers(500, { errors: [{ message: 'Board not found', extensions: { code: 'InvalidBoardIdException', status_code: 500 } }], account_id: 1 });
    expect(await call()).toMatchObject({ ok: false, retryable: false, code: 'InvalidBoardIdException' });
    // Malformed column JSON is also answered with a 500: retrying the same value cannot help.
    mondayAnswers(500, { error_code: 'ColumnValueException', status_code: 500, error_message: 'invalid value', error_data: {} });
    expect(await call()).toMatchObject({ ok: false, retryable: false, statusCode: 500, code: 'ColumnValueException' });
    server.use(http.post(MONDAY, () => HttpResponse.error()));
    expect(await call()).toMatchObject({ ok: false, retryable: true, error: expect.stringContaining('network error') });
  });

  it('a failed lookup stops the upsert before any mutation', async () => {
    const seen = mondayAnswers(200, { errors: [{ message: 'Column not found', extensions: { code: 'InvalidColumnIdException', status_code: 200 } }] });
    const result = await upsertItemByEmail(fetcher, o, board, { emailColumnId: 'emial', email: 'a@b.pl', itemName: 'A', columnValues: {} }, 'k');
    expect(result).toMatchObject({ ok: false, retryable: false, code: 'InvalidColumnIdException' });
    expect(seen).toHaveLength(1);
  });
});

describe('monday column values', () => {
  it("each column type in its JSON form, dates and hours in the board's time zone", () => {
    // 22:30 UTC on 29 March is 00:30 on 30 March in Warsaw (summer time began that morning).
    const late = buildMondayItem({ ...lead, meetingAt: '2026-03-29T22:30:00Z' }, DEFAULT_MONDAY_COLUMNS, 'Europe/Warsaw');
    expect(late.columnValues.date).toEqual({ date: '2026-03-30' });
    expect(late.columnValues.time).toEqual({ hour: 0, minute: 30 });
    // In winter Warsaw is UTC+1; New York the day before is UTC−5.
    expect(buildMondayItem({ meetingAt: '2026-01-15T08:05:00Z' }, DEFAULT_MONDAY_COLUMNS, 'Europe/Warsaw').columnValues.time).toEqual({ hour: 9, minute: 5 });
    const ny = buildMondayItem({ meetingAt: '2026-01-15T03:00:00Z' }, DEFAULT_MONDAY_COLUMNS, 'America/New_York').columnValues;
    expect([ny.date, ny.time]).toEqual([{ date: '2026-01-14' }, { hour: 22, minute: 0 }]);
    // A meeting time that is not an instant is left out, not guessed.
    expect(buildMondayItem({ meetingAt: 'jutro o 9' }, DEFAULT_MONDAY_COLUMNS, 'Europe/Warsaw')).toEqual({
      itemName: 'Chatbot lead',
      columnValues: {},
      skipped: [{ field: 'meetingAt', reason: 'not a valid instant' }],
    });
    // Epoch milliseconds are instants too.
    expect(buildMondayItem({ meetingAt: Date.parse('2026-06-15T07:30:00Z') }, DEFAULT_MONDAY_COLUMNS, 'Europe/Warsaw').columnValues.time).toEqual({
      hour: 9,
      minute: 30,
    });

    const map = mondayColumnMapSchema.parse({
      name: { id: 'name', type: 'name' },
      email: { id: 'email', type: 'email' },
      topic: { id: 'long_text', type: 'long_text' },
      source: { id: 'text', type: 'text' },
      meetingDate: { id: 'date4', type: 'date', withTime: true },
      meetingTime: { id: 'text9', type: 'text' },
    });
    const item = buildMondayItem({ ...lead, topic: 'x'.repeat(2100), meetingAt: '2026-03-29T22:30:00Z' }, map, 'Europe/Warsaw');
    expect(item.columnValues).toEqual({
      email: { email: 'anna.kowalska@example.pl', text: 'anna.kowalska@example.pl' },
      long_text: { text: 'x'.repeat(2000) },
      text: 'Facebook Ads',
      // A date with a time is taken in UTC by monday and shown in each viewer's zone.
      date4: { date: '2026-03-29', time: '22:30:00' },
      text9: '00:30',
    });
    expect(item.itemName).toBe('Anna Kowalska');
  });

  it('the item name: trimmed, never empty, at most 255 characters (emoji kept whole)', () => {
    expect(buildMondayItem({ name: '  ', email: 'a@b.pl' }, DEFAULT_MONDAY_COLUMNS, 'UTC').itemName).toBe('a@b.pl');
    expect(buildMondayItem({}, DEFAULT_MONDAY_COLUMNS, 'UTC').itemName).toBe('Chatbot lead');
    const long = buildMondayItem({ name: '🎉'.repeat(300) }, DEFAULT_MONDAY_COLUMNS, 'UTC').itemName;
    expect([...long]).toHaveLength(255);
    expect(long).toBe('🎉'.repeat(255));
  });

  it('phone: the country from the E.164 prefix; national numbers in the default country; unknown prefixes skipped', () => {
    const cases: Array<[string, string | undefined]> = [
      ['+48 600 100 200', 'PL'],
      ['+49 30 1234567', 'DE'],
      ['0049 30 1234567', 'DE'],
      ['+44 20 7946 0958', 'GB'],
      ['+1 (212) 555-0100', 'US'],
      ['+1 416 555 0199', 'CA'],
      ['+1 604 555 0199', 'CA'],
      ['+1 787 555 0100', 'PR'],
      ['+33 1 23 45 67 89', 'FR'],
      ['+34 912 345 678', 'ES'],
      ['+39 06 1234 5678', 'IT'],
      ['+31 20 123 4567', 'NL'],
      ['+420 601 123 456', 'CZ'],
      ['+380 44 123 4567', 'UA'],
      ['600-100-200', 'PL'],
      ['+81 3 1234 5678', undefined],
      ['not a number', undefined],
    ];
    for (const [raw, country] of cases) expect([raw, phoneColumnValue(raw)?.countryShortName]).toEqual([raw, country]);
    expect(phoneColumnValue('+48 (600) 100-200')).toEqual({ phone: '+48600100200', countryShortName: 'PL' });
    expect(phoneColumnValue('600100200', 'DE')).toEqual({ phone: '600100200', countryShortName: 'DE' });
    const item = buildMondayItem({ name: 'Kenji', phone: '+81 3 1234 5678' }, DEFAULT_MONDAY_COLUMNS, 'UTC');
    expect(item.columnValues).not.toHaveProperty('phone');
    expect(item.skipped).toEqual([{ field: 'phone', reason: 'the country of the phone number is not known' }]);
  });

  it('the column map as JSON: the default parses; wrong types, shared ids and unknown fields are refused', () => {
    expect(mondayColumnMapSchema.parse(JSON.parse(JSON.stringify(DEFAULT_MONDAY_COLUMNS)))).toEqual(DEFAULT_MONDAY_COLUMNS);
    const refused = (map: unknown) => mondayColumnMapSchema.safeParse(map).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(refused({ meetingTime: { id: 'status3', type: 'status' } })).toEqual([
      'meetingTime.type: meetingTime can be written to a hour or text column, not status',
    ]);
    expect(refused({ topic: { id: 'text1', type: 'text' }, source: { id: 'text1', type: 'text' } })).toEqual([
      'source.id: column text1 is already used by topic',
    ]);
    expect(refused({ status: { id: 'status', type: 'status', withTime: true } })).toEqual(['status.withTime: only date columns have a time']);
    expect(refused({ budget: { id: 'numbers', type: 'text' } })?.[0]).toMatch(/budget/);
    expect(refused({ email: { id: 'email', type: 'checkbox' } })?.[0]).toMatch(/^email\.type/);
  });
});
