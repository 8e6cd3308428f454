import { ServerConnection } from '@jupyterlab/services';

import { ApiError, fetchNotebookStatus, notebookStatusUrl } from '../api';
import { decision, status } from './fixtures';

type Handler = (request: Request) => Response | Promise<Response>;

/** ServerConnection settings whose `fetch` records requests and answers with `handler`. */
function fakeSettings(handler: Handler, baseUrl = 'http://localhost:8888/') {
  const requests: Request[] = [];
  const fetchImpl = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(String(input), init);
    requests.push(request);
    return handler(request);
  };
  const settings = ServerConnection.makeSettings({
    baseUrl,
    wsUrl: baseUrl.replace(/^http/, 'ws'),
    token: 'secret-token',
    fetch: fetchImpl as typeof fetch
  });
  return { settings, requests };
}

function json(body: unknown, status = 200, headers: Record<string, string> = {}): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { 'Content-Type': 'application/json', ...headers }
  });
}

describe('notebookStatusUrl', () => {
  it('joins the base URL, the namespace and an encoded path', () => {
    const { settings } = fakeSettings(() => json({}), 'http://example.org/user/ada/');
    const url = notebookStatusUrl(settings, 'my project/a&b #1.ipynb');
    expect(url).toBe(
      'http://example.org/user/ada/mlops/api/notebook?path=my%20project%2Fa%26b%20%231.ipynb'
    );
  });
});

describe('fetchNotebookStatus', () => {
  it('GETs the notebook endpoint under the base URL with the path encoded', async () => {
    const body = status({ decisions: [decision()] });
    const { settings, requests } = fakeSettings(
      () => json(body, 200, { ETag: '"v1"' }),
      'http://localhost:8888/user/ada/'
    );

    const result = await fetchNotebookStatus('credit risk/train&test.ipynb', { settings });

    expect(requests).toHaveLength(1);
    const url = new URL(requests[0].url);
    expect(requests[0].method).toBe('GET');
    expect(url.origin + url.pathname).toBe(
      'http://localhost:8888/user/ada/mlops/api/notebook'
    );
    expect(url.searchParams.get('path')).toBe('credit risk/train&test.ipynb');
    expect(requests[0].url).toContain('path=credit%20risk%2Ftrain%26test.ipynb');
    // ServerConnection adds the token
    expect(requests[0].headers.get('Authorization')).toBe('token secret-token');
    // no ETag yet: the request is not conditional
    expect(requests[0].headers.get('If-None-Match')).toBeNull();

    expect(result.changed).toBe(true);
    if (result.changed) {
      expect(result.etag).toBe('"v1"');
      expect(result.data.project?.name).toBe('credit-risk');
      expect(result.data.decisions).toHaveLength(1);
    }
  });

  it('sends If-None-Match and reports 304 as unchanged', async () => {
    const { settings, requests } = fakeSettings(
      () => new Response(null, { status: 304, headers: { ETag: '"v1"' } })
    );

    const result = await fetchNotebookStatus('a.ipynb', { settings, etag: '"v1"' });

    expect(requests[0].headers.get('If-None-Match')).toBe('"v1"');
    expect(result).toEqual({ changed: false, etag: '"v1"' });
  });

  it('turns a 4xx JSON error into an ApiError with message, hint and status', async () => {
    const { settings } = fakeSettings(() =>
      json({ error: 'notebook not found: a.ipynb', hint: 'save the notebook first' }, 404)
    );

    const error = await fetchNotebookStatus('a.ipynb', { settings }).catch(e => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error.message).toBe('notebook not found: a.ipynb');
    expect(error.hint).toBe('save the notebook first');
    expect(error.status).toBe(404);
  });

  it.each([
    [400, 'not a notebook: a.txt', 'give the path of an .ipynb file'],
    [403, 'path is outside the server root', 'open a notebook under the server root']
  ])('keeps the server words for %i', async (code, message, hint) => {
    const { settings } = fakeSettings(() => json({ error: message, hint }, code));
    const error = await fetchNotebookStatus('x', { settings }).catch(e => e);
    expect(error).toMatchObject({ message, hint, status: code });
  });

  it('falls back to a readable message for a non-JSON error page', async () => {
    const { settings } = fakeSettings(
      () => new Response('<html>404</html>', { status: 404, statusText: 'Not Found' })
    );
    const error = await fetchNotebookStatus('a.ipynb', { settings }).catch(e => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(404);
    expect(error.message).toMatch(/server extension/i);
    expect(error.hint).toMatch(/install jupyterlab-mlops/i);
  });

  it('reads jupyter_server\'s own {"message"} errors', async () => {
    const { settings } = fakeSettings(() => json({ message: 'Forbidden', reason: null }, 403));
    const error = await fetchNotebookStatus('a.ipynb', { settings }).catch(e => e);
    expect(error).toMatchObject({ message: 'Forbidden', status: 403 });
  });

  it('reports an unreachable server as a network error', async () => {
    const { settings } = fakeSettings(() => {
      throw new TypeError('Failed to fetch');
    });
    const error = await fetchNotebookStatus('a.ipynb', { settings }).catch(e => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error.status).toBe(0);
    expect(error.message).toMatch(/could not reach/i);
  });

  it('fills in missing fields so the views never crash', async () => {
    const { settings } = fakeSettings(() =>
      json({ project: null, decisions: [{ id: 'a'.repeat(64), title: 'T' }] })
    );
    const result = await fetchNotebookStatus('n.ipynb', { settings });
    expect(result.changed).toBe(true);
    if (result.changed) {
      expect(result.data.path).toBe('n.ipynb');
      expect(result.data.counts).toEqual({ entries: 0, notebook_entries: 0, decisions: 1 });
      expect(result.data.decisions[0]).toMatchObject({
        short_id: 'aaaaaaaaaaaa',
        tags: [],
        current: true,
        alternatives: null
      });
    }
  });
});
