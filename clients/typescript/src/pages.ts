import { must } from './problems.js';

/** One page of a list, as every list of the API answers it. */
export interface Page<T> {
  items: T[];
  next_page_token?: string;
}

/**
 * Every item of a paged list, page after page, following `next_page_token` until it is absent:
 *
 * ```ts
 * for await (const application of eachItem((page_token) => client.api.GET('/api/v1/applications', { params: { query: { page_token } } }))) …
 * ```
 *
 * A page that fails throws an {@link ApiError}. Stop early with `break`: no further page is fetched.
 */
export async function* eachItem<T>(
  fetchPage: (pageToken: string | undefined) => Promise<{ data?: Page<T>; error?: unknown; response: Response }>,
): AsyncGenerator<T, void, undefined> {
  let token: string | undefined;
  do {
    const page = must(await fetchPage(token), 'list');
    yield* page.items;
    token = page.next_page_token;
  } while (token);
}

/** Every page of a paged list (for callers that work a page at a time). */
export async function* eachPage<T>(
  fetchPage: (pageToken: string | undefined) => Promise<{ data?: Page<T>; error?: unknown; response: Response }>,
): AsyncGenerator<Page<T>, void, undefined> {
  let token: string | undefined;
  do {
    const page = must(await fetchPage(token), 'list');
    yield page;
    token = page.next_page_token;
  } while (token);
}
