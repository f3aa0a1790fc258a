import { HeyGenSandbox } from '../sandbox/server';
import { CREDENTIAL_TYPE, N8nInstance, PACKAGE_NAME } from './harness/n8n';
import { N8N_VERSION } from './harness/paths';

/** The packed package, installed as a community package, loads in a real n8n (2.41.1 by default). */
describe('n8n-nodes-heygen inside n8n', () => {
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

	it('passes the credential test with the sandbox key', async () => {
		const result = await n8n.testCredential({ apiKey, baseUrl: sandbox.url });
		expect(result).toEqual(expect.objectContaining({ status: 'OK' }));
		const call = sandbox.calls({ path: '/v3/users/me' }).pop();
		expect(call?.status).toBe(200);
	});

	it('fails the credential test with a wrong key, in HeyGen\'s words', async () => {
		const result = await n8n.testCredential({ apiKey: 'not-a-real-key', baseUrl: sandbox.url });
		expect(result.status).toBe('Error');
		// n8n 1.x reports every 401 in its own words; 2.x applies the credential's rules.
		expect(result.message).toMatch(N8N_VERSION.startsWith('1.') ? /Authorization failed/ : /API key/i);
		expect(result.message).not.toContain('not-a-real-key');
		expect(sandbox.calls({ path: '/v3/users/me' }).pop()?.status).toBe(401);
	});
});
