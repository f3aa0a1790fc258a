import { NodeApiError, NodeOperationError, sleep, type IHttpRequestOptions, type INode } from 'n8n-workflow';

import { HEYGEN_PARTNER_APP_CREDENTIAL_TYPE } from '../../../credentials/HeyGenWebhooksOAuth2Api.credentials';
import { HeyGenApiError, heyGenApiRequest, type HeyGenContext } from '../../../nodes/shared/transport';

/** The transport with an OAuth2 credential: n8n must see the 401 to refresh, and no token leaks. */

jest.mock('n8n-workflow', () => ({
	...jest.requireActual('n8n-workflow'),
	sleep: jest.fn(async () => {}),
}));

const NODE: INode = { id: 'n1', name: 'HeyGen', type: 'n8n-nodes-heygen-webhooks.heyGen', typeVersion: 1, position: [0, 0], parameters: {} };
const TOKEN = 'access-token-do-not-print';

/** n8n's OAuth2 path throws HTTP errors: NodeApiError around axios's error. */
function httpFailure(status: number, data: unknown): NodeApiError {
	const axiosError = Object.assign(new Error(`Request failed with status code ${status}`), {
		response: { status, headers: {}, data },
		config: { headers: { Authorization: `Bearer ${TOKEN}` } },
	});
	return new NodeApiError(NODE, axiosError as never);
}

function oAuth2Context(steps: Array<{ statusCode: number; body: unknown } | Error>) {
	const sent: Array<{ credentialType: string; options: IHttpRequestOptions }> = [];
	const context = {
		getNode: () => NODE,
		getInputData: () => [{ json: {} }],
		getNodeParameter: (name: string, _item: number, fallback: unknown) => (name === 'authentication' ? 'oAuth2' : fallback),
		getCredentials: jest.fn(async () => ({ clientId: 'c', baseUrl: 'http://heygen.test/' })),
		helpers: {
			httpRequestWithAuthentication: jest.fn(async (credentialType: string, options: IHttpRequestOptions) => {
				sent.push({ credentialType, options: { ...options } });
				const step = steps[sent.length - 1];
				if (step === undefined) throw new Error('unexpected call');
				if (step instanceof Error) throw step;
				return { headers: {}, ...step };
			}),
		},
	} as unknown as HeyGenContext;
	return { context, sent };
}

describe('heyGenApiRequest with OAuth2', () => {
	beforeEach(() => (sleep as jest.Mock).mockClear());

	it('lets n8n see HTTP errors (so it refreshes on 401) and goes through the OAuth2 credential', async () => {
		const { context, sent } = oAuth2Context([{ statusCode: 200, body: { data: { ok: true } } }]);
		await expect(heyGenApiRequest.call(context, { method: 'GET', path: '/v3/users/me' })).resolves.toMatchObject({ data: { ok: true } });
		expect(sent[0].credentialType).toBe(HEYGEN_PARTNER_APP_CREDENTIAL_TYPE);
		expect(sent[0].options).toMatchObject({ url: 'http://heygen.test/v3/users/me', ignoreHttpStatusErrors: false });
	});

	it('reads HeyGen\'s error out of n8n\'s thrown error', async () => {
		const { context } = oAuth2Context([httpFailure(404, { error: { code: 'not_found', message: 'No such endpoint' } })]);
		const error = await heyGenApiRequest.call(context, { method: 'DELETE', path: '/v3/webhooks/endpoints/x' }).catch((e) => e);
		expect(error).toBeInstanceOf(HeyGenApiError);
		expect(error).toMatchObject({ message: 'No such endpoint', statusCode: 404, heyGenCode: 'not_found' });
	});

	it('a 401 that survived n8n\'s refresh says to reconnect the OAuth2 credential, and shows no token', async () => {
		const { context } = oAuth2Context([httpFailure(401, { error: { code: 'unauthorized', message: 'Invalid token' } })]);
		const error = await heyGenApiRequest.call(context, { method: 'GET', path: '/v3/users/me' }).catch((e) => e);
		expect(error.description).toContain('Reconnect the "HeyGen OAuth2 API" credential');
		expect(error.description).not.toContain('API key');
		expect(JSON.stringify(error) + error.message + error.description).not.toContain(TOKEN);
	});

	it('retries 5xx and 429 like the API key does', async () => {
		const { context, sent } = oAuth2Context([
			httpFailure(503, { error: { message: 'busy' } }),
			httpFailure(429, { error: { message: 'slow down' } }),
			{ statusCode: 200, body: { data: [] } },
		]);
		await expect(heyGenApiRequest.call(context, { method: 'GET', path: '/v3/webhooks/endpoints' })).resolves.toMatchObject({ data: [] });
		expect(sent).toHaveLength(3);
	});

	it('no answer at all is retried for safe methods, then named without the token', async () => {
		const refused = () =>
			new NodeApiError(NODE, Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), {
				code: 'ECONNREFUSED',
				config: { headers: { Authorization: `Bearer ${TOKEN}` } },
			}) as never);
		const { context, sent } = oAuth2Context([refused(), refused(), refused(), refused()]);
		const error = await heyGenApiRequest.call(context, { method: 'GET', path: '/v3/users/me' }).catch((e) => e);
		expect(sent).toHaveLength(4);
		expect(error.message).toMatch(/^Could not reach HeyGen/);
		expect(JSON.stringify(error) + error.message + error.description).not.toContain(TOKEN);
	});

	it('an unconnected credential fails at once with what to do, not as "could not reach"', async () => {
		const notConnected = new NodeApiError(NODE, new Error('OAuth credentials not connected') as never);
		const { context, sent } = oAuth2Context([notConnected, notConnected]);
		const error = await heyGenApiRequest.call(context, { method: 'GET', path: '/v3/users/me' }).catch((e) => e);
		expect(error).toBeInstanceOf(NodeOperationError);
		expect(error.description).toContain('connect it');
		expect(sent).toHaveLength(1);
	});
});
