import { HeyGenSandbox } from '../../dev/heygen-sandbox/server';
import { startReceiver } from '../support/receiver';
import { CREDENTIAL_TYPE, freePort, N8nInstance, PACKAGE_NAME } from '../../dev/n8n/n8n';

/** The packed package, installed as a community package, loads in a real n8n (2.41.1 by default). */
describe('n8n-nodes-heygen-webhooks inside n8n', () => {
	let n8n: N8nInstance;
	let sandbox: HeyGenSandbox;
	const apiKey = 'e2e-package-key';

	beforeAll(async () => {
		sandbox = await HeyGenSandbox.start({ apiKeys: [apiKey] });
		n8n = await N8nInstance.start();
	});

	afterAll(async () => {
		await n8n?.dispose();
		await sandbox?.stop();
	});

	it('lists the HeyGen API credential type and both nodes', async () => {
		const credentialTypes = await n8n.credentialTypes();
		const credential = credentialTypes.find((type) => type.name === CREDENTIAL_TYPE);
		expect(credential?.displayName).toBe('HeyGen API');

		const nodeTypes = await n8n.nodeTypes();
		const names = nodeTypes.map((type) => type.name);
		expect(names).toEqual(expect.arrayContaining([`${PACKAGE_NAME}.heyGenTrigger`, `${PACKAGE_NAME}.heyGen`]));
		const action = nodeTypes.find((type) => type.name === `${PACKAGE_NAME}.heyGen`);
		expect(action?.usableAsTool).toBe(true);
		expect(n8n.logs()).not.toMatch(/Failed to load package/i);
	});

	it('passes the credential test with the sandbox key, on HeyGen\'s user object', async () => {
		const result = await n8n.testCredential({ apiKey, baseUrl: sandbox.url });
		expect(result).toEqual(expect.objectContaining({ status: 'OK' }));
		const call = sandbox.calls({ path: '/v3/users/me' }).pop();
		expect(call?.status).toBe(200);
	});

	it('fails the credential test with a wrong key, naming the API Key', async () => {
		const result = await n8n.testCredential({ apiKey: 'not-a-real-key', baseUrl: sandbox.url });
		expect(result.status).toBe('Error');
		expect(result.message).toMatch(/rejected the API key \(401 unauthorized\)\. Check the API Key/);
		expect(result.message).not.toContain('not-a-real-key');
		expect(sandbox.calls({ path: '/v3/users/me' }).pop()?.status).toBe(401);
	});

	it.each([
		['an HTML page', 'text/html', '<!DOCTYPE html><html><body>Welcome</body></html>', /is not HeyGen's API: .*a web page.*Check the Base URL/],
		['JSON that is not HeyGen\'s user', 'application/json', '{"status":"ok","data":{"version":1}}', /is not HeyGen's API: .*something else.*Check the Base URL/],
	])('fails the credential test on %s, naming the Base URL', async (_case, contentType, body, message) => {
		const server = await startReceiver(() => ({ status: 200, body, headers: { 'Content-Type': contentType } }));
		try {
			const result = await n8n.testCredential({ apiKey, baseUrl: server.base });
			expect(result).toEqual({ status: 'Error', message: expect.stringMatching(message) });
		} finally {
			await server.close();
		}
	});

	it('fails the credential test with a Base URL pointed at n8n itself', async () => {
		const result = await n8n.testCredential({ apiKey, baseUrl: n8n.baseUrl });
		expect(result).toEqual({ status: 'Error', message: expect.stringMatching(/Check the Base URL/) });
	});

	it('fails the credential test when nothing listens at the Base URL, naming it', async () => {
		const port = await freePort();
		const result = await n8n.testCredential({ apiKey, baseUrl: `http://127.0.0.1:${port}` });
		expect(result).toEqual({
			status: 'Error',
			message: expect.stringMatching(new RegExp(`Could not reach http://127\\.0\\.0\\.1:${port} .*Check the Base URL`)),
		});
	});
});

