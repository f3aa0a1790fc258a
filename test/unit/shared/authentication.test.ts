import { NodeApiError, NodeOperationError, sleep, type IHttpRequestOptions, type INode } from 'n8n-workflow';

import { HEYGEN_CREDENTIAL_TYPE } from '../../../credentials/HeyGenWebhooksApi.credentials';
import {
	HEYGEN_AUTHORIZE_URL,
	HEYGEN_SIGN_IN_CREDENTIAL_TYPE,
	HEYGEN_TOKEN_URL,
	HeyGenWebhooksOAuth2Api,
} from '../../../credentials/HeyGenWebhooksOAuth2Api.credentials';
import { credentialTypeOf } from '../../../nodes/shared/authentication';
import { HeyGenApiError, heyGenApiRequest, type HeyGenContext } from '../../../nodes/shared/transport';

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

describe('Authentication parameter', () => {
	it('chooses the credential type; a workflow saved without the parameter keeps the API key', () => {
		const execute = (value: unknown) =>
			({ getInputData: () => [], getNodeParameter: (_n: string, _i: number, fallback: unknown) => value ?? fallback }) as never;
		expect(credentialTypeOf(execute(undefined))).toBe(HEYGEN_CREDENTIAL_TYPE);
		expect(credentialTypeOf(execute('apiKey'))).toBe(HEYGEN_CREDENTIAL_TYPE);
		expect(credentialTypeOf(execute('oAuth2'))).toBe(HEYGEN_SIGN_IN_CREDENTIAL_TYPE);
		const hook = { getNodeParameter: (_n: string, fallback: unknown) => fallback } as never;
		expect(credentialTypeOf(hook)).toBe(HEYGEN_CREDENTIAL_TYPE);
		// A dropdown in the editor reads the form as it is, before it is saved.
		const loadOptions = {
			getCurrentNodeParameter: () => 'oAuth2',
			getNodeParameter: (_n: string, fallback: unknown) => fallback,
		} as never;
		expect(credentialTypeOf(loadOptions)).toBe(HEYGEN_SIGN_IN_CREDENTIAL_TYPE);
	});
});

describe('OAuth2 credential', () => {
	const credential = new HeyGenWebhooksOAuth2Api();
	const property = (name: string) => credential.properties.find((p) => p.name === name);

	it('extends n8n\'s OAuth2 with PKCE, HeyGen\'s scopes and body authentication, under a name of its own', () => {
		expect(credential.name).toBe('heyGenWebhooksOAuth2Api');
		expect(credential.name).not.toBe('heyGenOAuth2Api');
		expect(credential.extends).toEqual(['oAuth2Api']);
		expect(property('grantType')).toMatchObject({ type: 'hidden', default: 'pkce' });
		expect(property('scope')).toMatchObject({ type: 'hidden', default: 'openid profile email' });
		expect(property('authentication')).toMatchObject({ type: 'hidden', default: 'body' });
		expect(property('clientSecret')?.required).toBeFalsy();
		expect(property('baseUrl')?.default).toBe('https://api.heygen.com');
	});

	it('uses HeyGen\'s URLs unless the environment is Custom', () => {
		expect(property('environment')?.default).toBe('heygen');
		for (const [name, heygen, custom] of [
			['authUrl', HEYGEN_AUTHORIZE_URL, 'customAuthUrl'],
			['accessTokenUrl', HEYGEN_TOKEN_URL, 'customAccessTokenUrl'],
		]) {
			const expression = String(property(name)?.default);
			expect(expression).toContain(heygen);
			expect(expression).toContain(`$self["${custom}"]`);
			expect(property(custom)?.displayOptions).toEqual({ show: { environment: ['custom'] } });
		}
	});

	it('leaves the Test to n8n\'s OAuth2 check: a request test would get the redacted form, without a token', () => {
		expect((credential as { test?: unknown }).test).toBeUndefined();
	});
});

describe('heyGenApiRequest with OAuth2', () => {
	beforeEach(() => (sleep as jest.Mock).mockClear());

	it('lets n8n see HTTP errors (so it refreshes on 401) and goes through the OAuth2 credential', async () => {
		const { context, sent } = oAuth2Context([{ statusCode: 200, body: { data: { ok: true } } }]);
		await expect(heyGenApiRequest.call(context, { method: 'GET', path: '/v3/users/me' })).resolves.toMatchObject({ data: { ok: true } });
		expect(sent[0].credentialType).toBe(HEYGEN_SIGN_IN_CREDENTIAL_TYPE);
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
