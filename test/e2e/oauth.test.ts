import axios from 'axios';
import { randomUUID } from 'crypto';

import { HeyGenSandbox } from '../../dev/heygen-sandbox/server';
import { consent } from '../support/consent';
import { afterMarker, triggerEventId, waitForEndpoints, TRIGGER_NAME, webhookNode } from '../../dev/n8n/heygen';
import {
	ACTION_TYPE,
	N8nInstance,
	nodeOutput,
	OAUTH2_CREDENTIAL_TYPE,
	TRIGGER_TYPE,
} from '../../dev/n8n/n8n';

/**
 * Signing in to HeyGen with OAuth2 through n8n's own endpoints: "Connect my account"
 * (`/rest/oauth2-credential/auth`), the sandbox's consent page, n8n's callback; then the trigger
 * and the action node on that credential, and a token that expires and is refreshed by n8n.
 */
describe('OAuth2 credential in n8n', () => {
	const apiKey = 'e2e-oauth-account-key';
	const clientId = 'e2e-n8n-client';
	const clientSecret = 'e2e-client-secret';
	let sandbox: HeyGenSandbox;
	let n8n: N8nInstance;
	let redirectUri: string;
	let connected: { id: string; name: string };

	const credentialData = (overrides: Record<string, string> = {}) => ({
		environment: 'custom',
		customAuthUrl: `${sandbox.url}/oauth/authorize`,
		customAccessTokenUrl: `${sandbox.url}/v1/oauth/token`,
		clientId,
		clientSecret,
		baseUrl: sandbox.url,
		...overrides,
	});

	/** "Connect my account" in a browser that answers the consent page with `decision`. */
	async function connect(credentialId: string, decision: 'approve' | 'deny') {
		const { authorizeUrl, cookies } = await n8n.startOAuth2(credentialId);
		const outcome = await consent(authorizeUrl, decision);
		const redirect = outcome.location ?? outcome.immediateLocation;
		const callback = redirect ? await n8n.oauth2Callback(redirect, cookies) : undefined;
		return { authorizeUrl, outcome, callback };
	}

	beforeAll(async () => {
		sandbox = await HeyGenSandbox.start({ apiKeys: [apiKey], retryScheduleMs: [] });
		n8n = await N8nInstance.start();
		redirectUri = `${n8n.baseUrl}/rest/oauth2-credential/callback`;
		sandbox.registerOAuthClient({ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], api_key: apiKey });
	});

	afterAll(async () => {
		await n8n?.dispose();
		await sandbox?.stop();
	});

	it('connects through the consent page: n8n stores a token, and calls with it act as the HeyGen user', async () => {
		const credential = await n8n.createOAuth2Credential(credentialData());
		const { authorizeUrl, outcome, callback } = await connect(credential.id, 'approve');

		const authorize = new URL(authorizeUrl);
		expect(`${authorize.origin}${authorize.pathname}`).toBe(`${sandbox.url}/oauth/authorize`);
		expect(Object.fromEntries(authorize.searchParams)).toMatchObject({
			client_id: clientId,
			redirect_uri: redirectUri,
			response_type: 'code',
			scope: 'openid profile email',
			code_challenge_method: 'S256',
		});
		expect(outcome.pageStatus).toBe(200);
		expect(callback?.status).toBe(200);
		expect(callback?.html).toContain("postMessage('success'");

		const saved = await n8n.getCredential(credential.id);
		expect(sandbox.oauthLog().map((entry) => `${entry.endpoint}:${entry.grant_type ?? ''}:${entry.outcome}`)).toEqual([
			'authorize::approved',
			'token:authorization_code:ok',
		]);
		// n8n shows "Account connected" when it holds a token: its REST answer flags one.
		expect(saved.data?.oauthTokenData).toBe(true);
		connected = credential;
	});

	it('activates a trigger on the OAuth2 credential; a signed delivery from HeyGen starts exactly one execution', async () => {
		const webhookId = randomUUID();
		const { id } = await n8n.createWorkflow({
			name: 'HeyGen trigger (OAuth2)',
			nodes: [
				{
					name: TRIGGER_NAME,
					type: TRIGGER_TYPE,
					typeVersion: 2,
					position: [0, 0],
					webhookId,
					parameters: { authentication: 'oAuth2', events: ['avatar_video.success'], options: {} },
					credentials: { [OAUTH2_CREDENTIAL_TYPE]: connected },
				},
			],
		});
		const url = n8n.webhookUrl(webhookId);
		await n8n.activate(id);
		const [endpoint] = await waitForEndpoints(sandbox, apiKey, url, 1);

		const fired = sandbox.fireEvent({ apiKey, event_type: 'avatar_video.success', callback_id: 'oauth-1' });
		const attempts = await sandbox.waitForDeliveries((log) => log.some((a) => a.event_id === fired.event_id && a.status !== null), 20_000);
		expect(attempts.filter((a) => a.event_id === fired.event_id).map((a) => a.status)).toEqual([200]);
		// One execution for the event, counted once a later genuine delivery has run.
		const executions = await afterMarker(n8n, { id, url }, endpoint.secret as string);
		const ofEvent = executions.filter((execution) => triggerEventId(execution) === fired.event_id);
		expect(ofEvent).toHaveLength(1);
		expect(executions).toHaveLength(2); // the event and the marker
		expect(nodeOutput(ofEvent[0], TRIGGER_NAME)[0]).toMatchObject({ event_id: fired.event_id, callback_id: 'oauth-1' });

		// Deactivation deletes the endpoint with the same token.
		await n8n.deactivate(id);
		await waitForEndpoints(sandbox, apiKey, url, 0);
	});

	it('an expired access token is refreshed by n8n without user action: the action node call succeeds', async () => {
		const path = `heygen-oauth-${randomUUID()}`;
		const { id } = await n8n.createWorkflow({
			name: 'HeyGen action (OAuth2)',
			settings: { executionOrder: 'v1', saveDataSuccessExecution: 'all' },
			nodes: [
				webhookNode(path),
				{
					name: 'HeyGen',
					type: ACTION_TYPE,
					typeVersion: 1,
					position: [220, 0],
					parameters: { authentication: 'oAuth2', resource: 'eventType', operation: 'getAll' },
					credentials: { [OAUTH2_CREDENTIAL_TYPE]: connected },
				},
			],
			connections: { Webhook: { main: [[{ node: 'HeyGen', type: 'main', index: 0 }]] } },
		});
		await n8n.activate(id);
		const url = `${n8n.baseUrl}/webhook/${path}`;
		await n8n.waitForWebhook(url);

		expect(sandbox.expireAccessTokens()).toBeGreaterThan(0);
		const before = sandbox.calls({ path: '/v3/webhooks/event-types' }).length;
		const response = await axios.post(url, {}, { validateStatus: () => true });
		expect(response.status).toBe(200);
		const items = response.data as Array<{ event_type: string }>;
		expect(items.map((item) => item.event_type)).toContain('avatar_video.success');

		// The first call met the expired token (401); n8n refreshed once and sent it again.
		const calls = sandbox.calls({ path: '/v3/webhooks/event-types' }).slice(before);
		expect(calls.map((call) => call.status)).toEqual([401, 200]);
		const refreshes = sandbox.oauthLog().filter((entry) => entry.grant_type === 'refresh_token');
		expect(refreshes.map((entry) => entry.outcome)).toEqual(['ok']);
		const saved = await n8n.getCredential(connected.id);
		expect(saved.data?.oauthTokenData).toBeTruthy();
		await n8n.deactivate(id);
	});

	it('a refused consent ends on n8n\'s callback page with HeyGen\'s reason, and leaves the credential unconnected', async () => {
		const credential = await n8n.createOAuth2Credential(credentialData(), 'HeyGen OAuth2 (refused)');
		const { callback } = await connect(credential.id, 'deny');
		expect(callback?.html).toContain('Failed to connect');
		expect(callback?.html).toContain('access_denied');
		expect(callback?.html).toContain('The HeyGen user refused to give access');
		expect((await n8n.getCredential(credential.id)).data?.oauthTokenData).toBeFalsy();
	});

	it('a wrong client id or a redirect URL HeyGen does not know is explained on HeyGen\'s page, never a blank one', async () => {
		const unknown = await n8n.createOAuth2Credential(credentialData({ clientId: 'not-registered' }), 'HeyGen OAuth2 (wrong id)');
		const wrongId = await connect(unknown.id, 'approve');
		expect(wrongId.outcome.pageStatus).toBe(400);
		expect(wrongId.outcome.page).toContain('does not know the client ID &quot;not-registered&quot;');
		expect(wrongId.callback).toBeUndefined();

		// A client registered for another n8n: this n8n's redirect URL is not among its URLs.
		sandbox.registerOAuthClient({ client_id: 'other-n8n', redirect_uris: ['https://n8n.example.com/rest/oauth2-credential/callback'] });
		const elsewhere = await n8n.createOAuth2Credential(credentialData({ clientId: 'other-n8n', clientSecret: '' }), 'HeyGen OAuth2 (other)');
		const wrongRedirect = await connect(elsewhere.id, 'approve');
		expect(wrongRedirect.outcome.pageStatus).toBe(400);
		expect(wrongRedirect.outcome.page).toContain(`&quot;${redirectUri}&quot; is not registered for client &quot;other-n8n&quot;`);
		expect(wrongRedirect.callback).toBeUndefined();
	});
});
