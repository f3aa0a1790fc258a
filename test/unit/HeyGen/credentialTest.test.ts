import type { ICredentialsDecrypted, ICredentialTestFunctions } from 'n8n-workflow';

import { HeyGen } from '../../../nodes/HeyGen/HeyGen.node';
import { HeyGenWebhooksApi } from '../../../credentials/HeyGenWebhooksApi.credentials';
import { CREDENTIAL_TEST_NAME, testHeyGenCredential } from '../../../nodes/HeyGen/credentialTest';

/** The "HeyGen API" credential's Test button: HeyGen's user object or a message naming the setting to fix. */
const KEY = 'test-key-do-not-print';

type Answer = { statusCode: number; body: unknown } | Error;

function tester(answer: Answer) {
	const sent: Array<Record<string, unknown>> = [];
	const context = {
		helpers: {
			request: async (options: Record<string, unknown>) => {
				sent.push(options);
				if (answer instanceof Error) throw answer;
				return { headers: {}, ...answer };
			},
		},
	} as unknown as ICredentialTestFunctions;
	const run = async (data: Record<string, unknown> = { apiKey: KEY, baseUrl: 'https://api.heygen.com/' }) =>
		await testHeyGenCredential.call(context, { id: '1', name: 'c', type: 'heyGenWebhooksApi', data } as ICredentialsDecrypted);
	return { run, sent };
}

const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });

describe('credential test', () => {
	it('is what n8n runs: the HeyGen node names it, and the credential has no request test to take precedence', () => {
		const node = new HeyGen();
		expect(node.description.credentials?.[0]).toEqual(expect.objectContaining({ testedBy: CREDENTIAL_TEST_NAME }));
		expect(node.methods.credentialTest[CREDENTIAL_TEST_NAME]).toBe(testHeyGenCredential);
		expect((new HeyGenWebhooksApi() as { test?: unknown }).test).toBeUndefined();
	});

	it('passes on HeyGen\'s user object, asking GET /v3/users/me with the key', async () => {
		const { run, sent } = tester({ statusCode: 200, body: { data: { username: 'ada', email: 'ada@example.com' } } });
		expect(await run()).toEqual({ status: 'OK', message: 'Connected to HeyGen as ada' });
		expect(sent).toEqual([
			expect.objectContaining({
				method: 'GET',
				uri: 'https://api.heygen.com/v3/users/me',
				headers: expect.objectContaining({ 'X-Api-Key': KEY }),
				simple: false,
				resolveWithFullResponse: true,
			}),
		]);
	});

	it('takes HeyGen\'s answer as text too', async () => {
		const { run } = tester({ statusCode: 200, body: JSON.stringify({ data: { email: 'ada@example.com' } }) });
		expect(await run()).toEqual({ status: 'OK', message: 'Connected to HeyGen as ada@example.com' });
	});

	it.each<[string, Answer, RegExp]>([
		['an HTML page', { statusCode: 200, body: '<!DOCTYPE html><html><body>n8n</body></html>' }, /is not HeyGen's API: .*a web page.*Check the Base URL/],
		['JSON of another shape', { statusCode: 200, body: { status: 'ok' } }, /is not HeyGen's API: .*something else.*Check the Base URL/],
		['a data field that is no user', { statusCode: 200, body: { data: [{ email: 'x' }] } }, /is not HeyGen's API.*Check the Base URL/],
		['401', { statusCode: 401, body: { error: { code: 'unauthorized' } } }, /rejected the API key \(401 unauthorized\)\. Check the API Key/],
		['403', { statusCode: 403, body: {} }, /refused access \(403 forbidden\)\. Check the API Key/],
		['404', { statusCode: 404, body: 'Not Found' }, /No HeyGen API at https:\/\/api\.heygen\.com \(404 .*Check the Base URL/],
		['500', { statusCode: 500, body: {} }, /answered HTTP 500 .*Check the Base URL/],
		['a refused connection', refused, /Could not reach https:\/\/api\.heygen\.com \(ECONNREFUSED\)\. Check the Base URL/],
	])('fails on %s with a message naming the setting to change', async (_case, answer, message) => {
		const { run } = tester(answer);
		const result = await run();
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(message);
		expect(result.message).not.toContain(KEY);
	});

	it.each([
		['a Base URL that is no http(s) address', { apiKey: KEY, baseUrl: 'api.heygen.com' }, /Base URL "api\.heygen\.com" is not an http\(s\) address/],
		['an empty API key', { apiKey: ' ', baseUrl: '' }, /API Key is empty/],
	])('fails on %s without sending anything', async (_case, data, message) => {
		const { run, sent } = tester({ statusCode: 200, body: {} });
		expect((await run(data)).message).toMatch(message);
		expect(sent).toEqual([]);
	});

	it('uses HeyGen\'s address when the Base URL is empty', async () => {
		const { run, sent } = tester({ statusCode: 200, body: { data: { username: 'ada' } } });
		await run({ apiKey: KEY, baseUrl: '' });
		expect(sent[0].uri).toBe('https://api.heygen.com/v3/users/me');
	});
});
