// The sandbox as HeyGen's authorization server: consent page, token endpoint (PKCE S256), revoke,
// and bearer tokens on the API.
import { createHash, randomBytes } from 'node:crypto';
import axios from 'axios';
import { HeyGenSandbox } from '../../dev/heygen-sandbox/server';
import { heygen } from '../support/heygenClient';
import { consent } from '../support/consent';

const REDIRECT = 'http://127.0.0.1:5678/rest/oauth2-credential/callback';
const PUBLIC_CLIENT = 'n8n-public-client';
const CONFIDENTIAL_CLIENT = 'n8n-confidential-client';
const CLIENT_SECRET = 'client-secret-do-not-print';

interface Flow {
	verifier: string;
	authorizeUrl: string;
}

function pkceFlow(sandbox: HeyGenSandbox, overrides: Record<string, string> = {}): Flow {
	const verifier = randomBytes(32).toString('base64url');
	const params = new URLSearchParams({
		response_type: 'code',
		client_id: PUBLIC_CLIENT,
		redirect_uri: REDIRECT,
		scope: 'openid profile email',
		state: 'state-123',
		code_challenge: createHash('sha256').update(verifier).digest('base64url'),
		code_challenge_method: 'S256',
		...overrides,
	});
	return { verifier, authorizeUrl: `${sandbox.url}/oauth/authorize?${params}` };
}

describe('HeyGen sandbox: OAuth2 authorization server', () => {
	let sandbox: HeyGenSandbox;
	const control = () => heygen(sandbox.url, null);

	const tokenRequest = async (form: Record<string, string>, headers: Record<string, string> = {}) =>
		await axios.post(`${sandbox.url}/v1/oauth/token`, new URLSearchParams(form).toString(), {
			headers: { 'Content-Type': 'application/x-www-form-urlencoded', ...headers },
			validateStatus: () => true,
		});

	/** Consent approved; returns the code and the verifier that goes with it. */
	async function approvedCode(overrides: Record<string, string> = {}) {
		const flow = pkceFlow(sandbox, overrides);
		const outcome = await consent(flow.authorizeUrl, 'approve');
		const location = new URL(outcome.location ?? 'http://missing/');
		return { code: location.searchParams.get('code') ?? '', verifier: flow.verifier, location };
	}

	async function tokens(overrides: Record<string, string> = {}) {
		const { code, verifier } = await approvedCode();
		const answer = await tokenRequest({
			grant_type: 'authorization_code',
			code,
			redirect_uri: REDIRECT,
			client_id: PUBLIC_CLIENT,
			code_verifier: verifier,
			...overrides,
		});
		return answer.data as { access_token: string; refresh_token: string; expires_in: number; token_type: string };
	}

	const asBearer = (accessToken: string) =>
		axios.get(`${sandbox.url}/v3/users/me`, { headers: { Authorization: `Bearer ${accessToken}` }, validateStatus: () => true });

	beforeAll(async () => {
		sandbox = await HeyGenSandbox.start({ apiKeys: ['first', 'second'], retryScheduleMs: [] });
		await control().post('/_sandbox/oauth/clients', { client_id: PUBLIC_CLIENT, redirect_uris: [REDIRECT], api_key: 'second' });
		await control().post('/_sandbox/oauth/clients', {
			client_id: CONFIDENTIAL_CLIENT,
			client_secret: CLIENT_SECRET,
			redirect_uris: [REDIRECT],
		});
	});
	afterAll(async () => await sandbox.stop());
	beforeEach(() => sandbox.reset());

	it('shows a consent form naming the client and the account, and keeps the clients across resets', async () => {
		const answer = await axios.get(pkceFlow(sandbox).authorizeUrl, { validateStatus: () => true });
		expect(answer.status).toBe(200);
		expect(answer.headers['content-type']).toMatch(/text\/html/);
		expect(answer.data).toContain(PUBLIC_CLIENT);
		expect(answer.data).toContain('sandbox_user_2');
		expect(answer.data).toMatch(/<form method="post" action="\/oauth\/authorize">/);
		expect(answer.data).toContain('data-test-id="heygen-consent-approve"');
		expect(answer.data).toContain('data-test-id="heygen-consent-deny"');
		const listed = (await control().get('/_sandbox/oauth')).data;
		expect(listed.clients.map((c: { client_id: string; confidential: boolean }) => [c.client_id, c.confidential])).toEqual([
			[PUBLIC_CLIENT, false],
			[CONFIDENTIAL_CLIENT, true],
		]);
		expect(JSON.stringify(listed)).not.toContain(CLIENT_SECRET);
	});

	it('approval redirects with a code and the state; the code and verifier give 10-day tokens that act as the account', async () => {
		const { location } = await approvedCode();
		expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
		expect(location.searchParams.get('state')).toBe('state-123');
		expect(location.searchParams.get('code')).toMatch(/^hgac_/);

		const issued = await tokens();
		expect(issued).toMatchObject({ token_type: 'Bearer', expires_in: 864000, scope: 'openid profile email' });
		expect(issued.access_token).toMatch(/^hgat_/);
		expect(issued.refresh_token).toMatch(/^hgrt_/);
		const me = await asBearer(issued.access_token);
		expect(me.status).toBe(200);
		expect(me.data.data.username).toBe('sandbox_user_2');
		// Every API route takes the token, as that account.
		sandbox.fireEvent({ apiKey: 'second', event_type: 'avatar_video.success' });
		sandbox.fireEvent({ apiKey: 'first', event_type: 'avatar_video.fail' });
		const history = await axios.get(`${sandbox.url}/v3/webhooks/events`, {
			headers: { Authorization: `Bearer ${issued.access_token}` },
			validateStatus: () => true,
		});
		expect(history.status).toBe(200);
		expect(history.data.data.map((e: { event_type: string }) => e.event_type)).toEqual(['avatar_video.success']);
	});

	it('refused consent goes back to the client as access_denied, with the state', async () => {
		const outcome = await consent(pkceFlow(sandbox).authorizeUrl, 'deny');
		const location = new URL(outcome.location ?? 'http://missing/');
		expect(`${location.origin}${location.pathname}`).toBe(REDIRECT);
		expect(location.searchParams.get('error')).toBe('access_denied');
		expect(location.searchParams.get('error_description')).toMatch(/refused/);
		expect(location.searchParams.get('state')).toBe('state-123');
		expect(location.searchParams.has('code')).toBe(false);
	});

	it('an unknown client id or an unregistered redirect URL is shown on the page, never redirected', async () => {
		const unknown = await consent(pkceFlow(sandbox, { client_id: 'nobody' }).authorizeUrl, 'approve');
		expect([unknown.pageStatus, unknown.location, unknown.immediateLocation]).toEqual([400, undefined, undefined]);
		expect(unknown.page).toContain('does not know the client ID &quot;nobody&quot;');
		expect(unknown.page).toContain('error=invalid_client');

		const elsewhere = await consent(pkceFlow(sandbox, { redirect_uri: 'https://evil.example/cb' }).authorizeUrl, 'approve');
		expect([elsewhere.pageStatus, elsewhere.location, elsewhere.immediateLocation]).toEqual([400, undefined, undefined]);
		expect(elsewhere.page).toContain('&quot;https://evil.example/cb&quot; is not registered');
		expect(elsewhere.page).toContain('error=invalid_redirect_uri');
	});

	it('a request without PKCE S256 goes back to the client as invalid_request', async () => {
		const plain = await consent(pkceFlow(sandbox, { code_challenge_method: 'plain' }).authorizeUrl, 'approve');
		expect(new URL(plain.immediateLocation ?? 'http://missing/').searchParams.get('error')).toBe('invalid_request');
	});

	it('a wrong verifier is invalid_grant; a missing one invalid_request', async () => {
		const { code } = await approvedCode();
		const base = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: PUBLIC_CLIENT };
		const missing = await tokenRequest(base);
		expect(missing.status).toBe(400);
		expect(missing.data.error).toBe('invalid_request');
		const wrong = await tokenRequest({ ...base, code_verifier: randomBytes(32).toString('base64url') });
		expect(wrong.status).toBe(400);
		expect(wrong.data).toEqual({ error: 'invalid_grant', error_description: expect.stringMatching(/PKCE verification failed/) });
	});

	it('a reused code is invalid_grant and revokes what the first use gave', async () => {
		const { code, verifier } = await approvedCode();
		const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: PUBLIC_CLIENT, code_verifier: verifier };
		const first = await tokenRequest(form);
		expect(first.status).toBe(200);
		expect((await asBearer(first.data.access_token)).status).toBe(200);
		const again = await tokenRequest(form);
		expect(again.status).toBe(400);
		expect(again.data.error).toBe('invalid_grant');
		expect(again.data.error_description).toMatch(/already used/);
		const revoked = await asBearer(first.data.access_token);
		expect(revoked.status).toBe(401);
		expect(revoked.data.error).toMatchObject({ code: 'unauthorized', message: 'The access token has been revoked' });
	});

	it('a code for another redirect URL, or from another client, is invalid_grant; an unknown client invalid_client', async () => {
		const { code, verifier } = await approvedCode();
		const form = { grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: PUBLIC_CLIENT, code_verifier: verifier };
		expect((await tokenRequest({ ...form, redirect_uri: 'http://127.0.0.1:5678/other' })).data.error).toBe('invalid_grant');
		const otherClient = await tokenRequest({ ...form, client_id: CONFIDENTIAL_CLIENT, client_secret: CLIENT_SECRET });
		expect(otherClient.data.error).toBe('invalid_grant');
		const unknown = await tokenRequest({ ...form, client_id: 'nobody' });
		expect(unknown.status).toBe(401);
		expect(unknown.data.error).toBe('invalid_client');
		expect((await tokenRequest({ ...form, grant_type: 'password' })).data.error).toBe('unsupported_grant_type');
	});

	it('a confidential client must send its secret (body or Basic)', async () => {
		const withoutSecret = await tokenRequest({ grant_type: 'refresh_token', refresh_token: 'x', client_id: CONFIDENTIAL_CLIENT });
		expect(withoutSecret.status).toBe(401);
		expect(withoutSecret.data.error).toBe('invalid_client');
		const basic = `Basic ${Buffer.from(`${CONFIDENTIAL_CLIENT}:${CLIENT_SECRET}`).toString('base64')}`;
		const withBasic = await tokenRequest({ grant_type: 'refresh_token', refresh_token: 'x' }, { Authorization: basic });
		// Authenticated: now the refresh token itself is judged.
		expect(withBasic.data).toEqual({ error: 'invalid_grant', error_description: 'The refresh token is invalid' });
	});

	it('refresh gives a new pair and spends the old refresh token', async () => {
		const issued = await tokens();
		const refresh = { grant_type: 'refresh_token', refresh_token: issued.refresh_token, client_id: PUBLIC_CLIENT };
		const renewed = await tokenRequest(refresh);
		expect(renewed.status).toBe(200);
		expect(renewed.data.access_token).not.toBe(issued.access_token);
		expect(renewed.data.refresh_token).not.toBe(issued.refresh_token);
		expect((await asBearer(renewed.data.access_token)).status).toBe(200);
		const spent = await tokenRequest(refresh);
		expect(spent.data).toEqual({ error: 'invalid_grant', error_description: 'The refresh token was revoked' });
	});

	it('expired tokens are refused with 401 until refreshed; the switch makes new tokens expire at once', async () => {
		const issued = await tokens();
		expect((await control().post('/_sandbox/oauth/expire-tokens')).data).toEqual({ expired: 1 });
		const expired = await asBearer(issued.access_token);
		expect(expired.status).toBe(401);
		expect(expired.data.error).toMatchObject({ code: 'unauthorized', message: 'The access token has expired' });
		const renewed = await tokenRequest({ grant_type: 'refresh_token', refresh_token: issued.refresh_token, client_id: PUBLIC_CLIENT });
		expect((await asBearer(renewed.data.access_token)).status).toBe(200);

		expect((await control().patch('/_sandbox/oauth', { access_token_ttl_seconds: 0 })).data).toEqual({ access_token_ttl_seconds: 0 });
		const shortLived = await tokens();
		expect(shortLived.expires_in).toBe(0);
		expect((await asBearer(shortLived.access_token)).status).toBe(401);
		sandbox.reset();
		expect((await control().get('/_sandbox/oauth')).data.access_token_ttl_seconds).toBe(864000);
	});

	it('revocation ends the access token, or the refresh token and its access tokens', async () => {
		const revoke = async (token: string) =>
			await axios.post(`${sandbox.url}/v1/oauth/revoke`, new URLSearchParams({ token, client_id: PUBLIC_CLIENT }).toString(), {
				validateStatus: () => true,
			});
		const first = await tokens();
		expect((await revoke(first.access_token)).status).toBe(200);
		expect((await asBearer(first.access_token)).data.error.message).toBe('The access token has been revoked');

		const second = await tokens();
		expect((await revoke(second.refresh_token)).status).toBe(200);
		expect((await asBearer(second.access_token)).status).toBe(401);
		const refused = await tokenRequest({ grant_type: 'refresh_token', refresh_token: second.refresh_token, client_id: PUBLIC_CLIENT });
		expect(refused.data.error).toBe('invalid_grant');
		// RFC 7009: an unknown token is not an error.
		expect((await revoke('hgat_unknown')).status).toBe(200);
	});

	it('logs outcomes without tokens, codes, verifiers or secrets', async () => {
		const issued = await tokens();
		await tokenRequest({ grant_type: 'refresh_token', refresh_token: issued.refresh_token, client_id: CONFIDENTIAL_CLIENT, client_secret: CLIENT_SECRET });
		const log = (await control().get('/_sandbox/oauth')).data.log as Array<{ endpoint: string; outcome: string }>;
		expect(log.map((entry) => `${entry.endpoint}:${entry.outcome}`)).toEqual(['authorize:approved', 'token:ok', 'token:invalid_grant']);
		const text = JSON.stringify(log);
		for (const secret of [issued.access_token, issued.refresh_token, CLIENT_SECRET]) expect(text).not.toContain(secret);
	});
});
