import { ServerConnection } from '@jupyterlab/services';

import {
  ApiError,
  fetchNotebookStatus,
  fetchPortfolio,
  notebookStatusUrl,
  postDecision,
  postReviewRequest,
  postSignoff
} from '../api';
import {
  approvals,
  decision,
  fullStatus,
  portfolio,
  reviewRequest,
  signoff,
  status
} from './fixtures';

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

/** The request's URL without its query (ServerConnection may add a cache-buster). */
function pathOf(request: Request): string {
  const url = new URL(request.url);
  return url.origin + url.pathname;
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
    expect(url.origin + url.pathname).toBe('http://localhost:8888/user/ada/mlops/api/notebook');
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

describe('the issue 6 fields of GET notebook', () => {
  it('passes me, report, approvals and timeline through', async () => {
    const body = fullStatus();
    const { settings } = fakeSettings(() => json(body, 200, { ETag: '"v2"' }));
    const result = await fetchNotebookStatus('credit-risk/train.ipynb', { settings });
    expect(result.changed && result.data).toEqual(body);
  });

  it('fills in what an older server or an odd value leaves out', async () => {
    const { settings } = fakeSettings(() =>
      json({
        project: { root: 'p', name: 'p', template: 't', risk_tier: 'high' },
        me: { identity: 'Bo', roles: 'risk' },
        report: {
          stage: 'draft',
          items: [{ id: 'x', status: 'weird', evidence: [{ kind: 'entry', ref: 'e' }] }]
        },
        approvals: {
          required_roles: ['business', 'risk'],
          signoffs: { business: { kind: 'approved' } }
        },
        timeline: [{ id: 'a'.repeat(64), kind: 'run.logged', mlflow: { run_id: 'r' } }, 'junk']
      })
    );
    const result = await fetchNotebookStatus('n.ipynb', { settings });
    if (!result.changed) {
      throw new Error('expected data');
    }
    const data = result.data;
    expect(data.me).toEqual({
      identity: 'Bo',
      name: 'Bo',
      person: 'identity:Bo',
      anonymous: false,
      single_user: false,
      roles: []
    });
    expect(data.names).toEqual({});
    expect(data.report?.items[0]).toMatchObject({
      id: 'x',
      title: 'x',
      status: 'fail', // an unknown status never shows as passed
      gates: 'review',
      evidence: [{ kind: 'entry', ref: 'e', label: 'e' }],
      waiver: null
    });
    expect(data.report?.blocking).toEqual({ review: [], approval: [], production: [] });
    expect(data.approvals?.signoffs).toEqual({
      business: expect.objectContaining({ role: 'business', kind: 'approved', current: true }),
      risk: null
    });
    expect(data.approvals?.stale_because).toEqual([]);
    expect(data.timeline).toHaveLength(2);
    expect(data.timeline[0]).toMatchObject({
      short_id: 'aaaaaaaaaaaa',
      links: [],
      current: true,
      mlflow: { run_id: 'r', experiment_id: '' }
    });
  });

  it('reads a status without the new fields (an older server extension)', async () => {
    const { settings } = fakeSettings(() => json({ project: null, decisions: [] }));
    const result = await fetchNotebookStatus('n.ipynb', { settings });
    expect(result.changed && result.data).toMatchObject({
      me: null,
      report: null,
      approvals: null,
      timeline: []
    });
  });
});

describe('postDecision', () => {
  it('POSTs the decision as JSON and reads the 201 answer', async () => {
    const recorded = decision({ title: 'Use ROC AUC' });
    const { settings, requests } = fakeSettings(() => json({ decision: recorded }, 201));
    const result = await postDecision(
      'credit-risk/train.ipynb',
      { title: 'Use ROC AUC', why: 'ranking', alternatives: 'accuracy', tags: ['evaluation'] },
      settings
    );
    const request = requests[0];
    expect(request.method).toBe('POST');
    expect(pathOf(request)).toBe('http://localhost:8888/mlops/api/decisions');
    expect(request.headers.get('Content-Type')).toBe('application/json');
    expect(request.headers.get('Authorization')).toBe('token secret-token');
    expect(await request.json()).toEqual({
      path: 'credit-risk/train.ipynb',
      title: 'Use ROC AUC',
      why: 'ranking',
      alternatives: 'accuracy',
      tags: ['evaluation']
    });
    expect(result).toEqual(recorded);
  });

  it('leaves out empty optional fields', async () => {
    const { settings, requests } = fakeSettings(() => json({ decision: decision() }, 201));
    await postDecision('a.ipynb', { title: 'T', why: 'W', alternatives: ' ', tags: [] }, settings);
    expect(await requests[0].json()).toEqual({ path: 'a.ipynb', title: 'T', why: 'W' });
  });

  it('rejects with the server words on 400', async () => {
    const { settings } = fakeSettings(() =>
      json({ error: 'title: Field required', hint: 'see the API description (openapi.yaml)' }, 400)
    );
    const error = await postDecision('a.ipynb', { title: '', why: '' }, settings).catch(e => e);
    expect(error).toMatchObject({ message: 'title: Field required', status: 400 });
  });
});

describe('postSignoff', () => {
  it('POSTs role, decision and comment; reads the sign-off and the approvals of the 201', async () => {
    const made = signoff({ role: 'risk' });
    const after = approvals({ signoffs: { business: null, risk: made, 'it-ops': null } });
    const { settings, requests } = fakeSettings(() =>
      json({ signoff: made, approvals: after }, 201)
    );
    const result = await postSignoff(
      'credit-risk/train.ipynb',
      { role: 'risk', decision: 'approve', comment: 'validated' },
      settings
    );
    expect(requests[0].method).toBe('POST');
    expect(pathOf(requests[0])).toBe('http://localhost:8888/mlops/api/signoffs');
    expect(await requests[0].json()).toEqual({
      path: 'credit-risk/train.ipynb',
      role: 'risk',
      decision: 'approve',
      comment: 'validated'
    });
    expect(result.signoff).toEqual(made);
    expect(result.approvals.signoffs.risk).toEqual(made);
  });

  it('sends no comment when there is none', async () => {
    const { settings, requests } = fakeSettings(() =>
      json({ signoff: signoff(), approvals: approvals() }, 201)
    );
    await postSignoff('a.ipynb', { role: 'business', decision: 'approve' }, settings);
    expect(await requests[0].json()).toEqual({
      path: 'a.ipynb',
      role: 'business',
      decision: 'approve'
    });
  });

  it('rejects a refusal by the rules with a 403 ApiError carrying message and hint', async () => {
    const { settings } = fakeSettings(() =>
      json(
        {
          error: 'sign-offs need a real identity; this user is anonymous to Jupyter',
          hint: 'log in with a named account'
        },
        403
      )
    );
    const error = await postSignoff(
      'a.ipynb',
      { role: 'risk', decision: 'approve' },
      settings
    ).catch(e => e);
    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      status: 403,
      message: 'sign-offs need a real identity; this user is anonymous to Jupyter',
      hint: 'log in with a named account'
    });
  });
});

describe('postReviewRequest', () => {
  it('POSTs path, role and comment to review-requests and reads the request of the 201', async () => {
    const made = reviewRequest({ id: 'q1', role: 'risk' });
    const { settings, requests } = fakeSettings(() => json({ request: made }, 201));
    const result = await postReviewRequest(
      'credit-risk/train.ipynb',
      { role: 'risk', comment: '  the fairness finding ' },
      settings
    );
    expect(requests[0].method).toBe('POST');
    expect(pathOf(requests[0])).toBe('http://localhost:8888/mlops/api/review-requests');
    expect(await requests[0].json()).toEqual({
      path: 'credit-risk/train.ipynb',
      role: 'risk',
      comment: 'the fairness finding'
    });
    expect(result).toEqual(made);
  });

  it('sends no empty comment and rejects with the server words', async () => {
    const { settings, requests } = fakeSettings(() =>
      json({ error: 'no role audit in this project', hint: 'the roles are in .mlops/config' }, 400)
    );
    const error = await postReviewRequest('a.ipynb', { role: 'audit', comment: ' ' }, settings).catch(
      e => e
    );
    expect(await requests[0].json()).toEqual({ path: 'a.ipynb', role: 'audit' });
    expect(error).toMatchObject({ status: 400, message: 'no role audit in this project' });
  });
});

describe('fetchPortfolio', () => {
  it('GETs the portfolio', async () => {
    const body = portfolio();
    const { settings, requests } = fakeSettings(
      () => json(body),
      'http://localhost:8888/user/ada/'
    );
    const result = await fetchPortfolio(settings);
    expect(requests[0].method).toBe('GET');
    expect(pathOf(requests[0])).toBe('http://localhost:8888/user/ada/mlops/api/portfolio');
    expect(result).toEqual(body);
  });

  it('fills in missing fields (a project that could not be read)', async () => {
    const { settings } = fakeSettings(() =>
      json({
        projects: [
          {
            root: 'x',
            name: 'x',
            template: null,
            risk_tier: null,
            context: { owner: 'Ada', sponsor: 3, provider: null },
            error: 'bad config'
          },
          {
            root: 'y',
            name: 'y',
            notebooks: [
              { path: 'y/a.ipynb', batch: { status: 'failed', drift: [{ psi: 'x' }] } }
            ]
          }
        ]
      })
    );
    const result = await fetchPortfolio(settings);
    expect(result.flags).toEqual({});
    expect(result.limits).toEqual({ projects: 0, notebooks: 0 });
    expect(result.projects[0]).toEqual({
      root: 'x',
      name: 'x',
      template: '',
      risk_tier: '',
      context: { owner: 'Ada' },
      error: 'bad config',
      notebooks: []
    });
    const nb = result.projects[1].notebooks[0];
    expect(nb.flags).toEqual([]);
    expect(nb.reviews).toEqual([]);
    expect(nb.documentation).toEqual({ generated: null, time: null, stale: null, documents: {} });
    expect(nb.batch).toEqual({
      id: '',
      status: 'failed',
      time: null,
      drift_threshold: null,
      drift: [{ dataset: '', column: '', psi: null, problem: null }]
    });
  });
});
