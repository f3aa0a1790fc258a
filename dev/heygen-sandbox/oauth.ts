// HeyGen's authorization server, simulated: the consent page (app.heygen.com/oauth/authorize),
// the token endpoint (api2.heygen.com/v1/oauth/token, form-encoded, PKCE S256) and revocation
// (api2.heygen.com/v1/oauth/revoke), on the sandbox's one host and port. Access tokens it issues
// are accepted as `Authorization: Bearer` on every API route, as the account that consented.
// Kept in memory only: a restarted sandbox forgets clients and tokens (reconnect the credential).
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { headerValue, readBody } from './httpMessages';
import type { Account, SandboxState } from './state';

export const AUTHORIZE_PATH = '/oauth/authorize';
export const TOKEN_PATH = '/v1/oauth/token';
export const REVOKE_PATH = '/v1/oauth/revoke';
/** HeyGen's documented example: 10 days. */
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 864_000;
const CODE_TTL_MS = 10 * 60 * 1000;

export interface OAuthClientInput {
	client_id: string;
	/** Absent: a public client (PKCE only), as HeyGen's partner clients may be. */
	client_secret?: string | null;
	redirect_uris: string[];
	/** Whose account a consent grants; the first account when absent. */
	api_key?: string | null;
}

export interface OAuthClientInfo {
	client_id: string;
	confidential: boolean;
	redirect_uris: string[];
	account: string;
}

/** What the token endpoint did, for tests; never a token, code, verifier or secret. */
export interface OAuthLogEntry {
	at: string;
	endpoint: 'authorize' | 'token' | 'revoke';
	grant_type: string | null;
	client_id: string | null;
	outcome: string;
}

interface Client {
	clientId: string;
	secret: string | null;
	redirectUris: string[];
	account: Account;
}

interface IssuedCode {
	clientId: string;
	redirectUri: string;
	challenge: string;
	account: Account;
	expiresAt: number;
	used: boolean;
	/** Tokens this code produced: revoked if the code is replayed (RFC 6749 §4.1.2). */
	refreshTokens: string[];
}

interface AccessToken {
	clientId: string;
	account: Account;
	expiresAt: number;
	revoked: boolean;
	refreshToken: string;
}

interface RefreshToken {
	clientId: string;
	account: Account;
	revoked: boolean;
}

export type BearerVerdict = { account: Account } | { rejected: 'expired' | 'revoked' } | undefined;

class OAuthError extends Error {
	constructor(
		readonly status: number,
		readonly error: string,
		readonly description: string,
	) {
		super(description);
	}
}

const sha256Base64Url = (text: string): string => createHash('sha256').update(text).digest('base64url');
const token = (prefix: string): string => `${prefix}_${randomBytes(24).toString('base64url')}`;

function sameText(a: string, b: string): boolean {
	const left = Buffer.from(a);
	const right = Buffer.from(b);
	return left.length === right.length && timingSafeEqual(left, right);
}

const escapeHtml = (text: string): string =>
	text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);

function page(title: string, body: string): string {
	return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title>
<style>body{font-family:sans-serif;max-width:32rem;margin:4rem auto;padding:0 1rem}button{margin-right:1rem;padding:.5rem 1.5rem}</style>
</head><body>${body}</body></html>`;
}

function sendHtml(res: ServerResponse, status: number, html: string): void {
	res.writeHead(status, { 'Content-Type': 'text/html; charset=utf-8', 'Content-Length': String(Buffer.byteLength(html)) });
	res.end(html);
}

function redirect(res: ServerResponse, to: string, params: Record<string, string | undefined>): void {
	const url = new URL(to);
	for (const [key, value] of Object.entries(params)) if (value !== undefined) url.searchParams.set(key, value);
	res.writeHead(302, { Location: url.toString(), 'Content-Length': '0' });
	res.end();
}

function sendOAuthJson(res: ServerResponse, status: number, body: unknown): void {
	const payload = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json',
		'Content-Length': String(Buffer.byteLength(payload)),
		'Cache-Control': 'no-store',
	});
	res.end(payload);
}

/** Form-encoded (what OAuth clients send) or JSON. */
function parseForm(req: IncomingMessage, raw: Buffer): Record<string, string> {
	const text = raw.toString('utf8');
	if ((headerValue(req, 'content-type') ?? '').includes('application/json')) {
		try {
			const parsed = JSON.parse(text) as Record<string, unknown>;
			return Object.fromEntries(Object.entries(parsed).map(([k, v]) => [k, String(v)]));
		} catch {
			throw new OAuthError(400, 'invalid_request', 'The body is not valid JSON');
		}
	}
	return Object.fromEntries(new URLSearchParams(text));
}

export class OAuthServer {
	private readonly clientsById = new Map<string, Client>();
	private readonly codes = new Map<string, IssuedCode>();
	private readonly accessTokens = new Map<string, AccessToken>();
	private readonly refreshTokens = new Map<string, RefreshToken>();
	private readonly logEntries: OAuthLogEntry[] = [];
	/** The test switch: 0 makes every new access token expire at once. */
	accessTokenTtlSeconds = DEFAULT_ACCESS_TOKEN_TTL_SECONDS;

	constructor(private readonly state: SandboxState) {}

	registerClient(input: OAuthClientInput): OAuthClientInfo {
		if (typeof input.client_id !== 'string' || input.client_id === '') throw new Error('client_id is required');
		const uris = input.redirect_uris;
		if (!Array.isArray(uris) || uris.length === 0 || !uris.every((u) => typeof u === 'string' && /^https?:\/\//.test(u))) {
			throw new Error('redirect_uris must be a non-empty list of http(s) URLs');
		}
		const client: Client = {
			clientId: input.client_id,
			secret: input.client_secret || null,
			redirectUris: [...uris],
			account: this.state.resolveAccount(input.api_key),
		};
		this.clientsById.set(client.clientId, client);
		return this.info(client);
	}

	clients(): OAuthClientInfo[] {
		return [...this.clientsById.values()].map((c) => this.info(c));
	}

	log(): OAuthLogEntry[] {
		return this.logEntries.map((e) => ({ ...e }));
	}

	/** Every access token issued so far stops working now (as if 10 days had passed). */
	expireAccessTokens(): number {
		const now = Date.now();
		let expired = 0;
		for (const access of this.accessTokens.values()) {
			if (access.expiresAt > now) {
				access.expiresAt = now;
				expired++;
			}
		}
		return expired;
	}

	/** Forgets codes, tokens and the log, and restores the lifetime; keeps the registered clients. */
	reset(): void {
		this.codes.clear();
		this.accessTokens.clear();
		this.refreshTokens.clear();
		this.logEntries.length = 0;
		this.accessTokenTtlSeconds = DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
	}

	/** The API's view of a bearer token: its account, a reason to refuse it, or not ours. */
	bearer(value: string): BearerVerdict {
		const access = this.accessTokens.get(value);
		if (!access) return undefined;
		if (access.revoked) return { rejected: 'revoked' };
		if (Date.now() >= access.expiresAt) return { rejected: 'expired' };
		return { account: access.account };
	}

	/** Answers the authorization server's routes; false for any other path. */
	async handle(req: IncomingMessage, res: ServerResponse, url: URL): Promise<boolean> {
		const method = (req.method ?? 'GET').toUpperCase();
		const path = url.pathname.replace(/\/+$/, '');
		if (path === AUTHORIZE_PATH && method === 'GET') {
			this.authorizePage(res, Object.fromEntries(url.searchParams));
			return true;
		}
		if (path === AUTHORIZE_PATH && method === 'POST') {
			this.decide(res, Object.fromEntries(new URLSearchParams((await readBody(req)).toString('utf8'))));
			return true;
		}
		if ((path === TOKEN_PATH || path === REVOKE_PATH) && method === 'POST') {
			const endpoint = path === TOKEN_PATH ? 'token' : 'revoke';
			let form: Record<string, string> = {};
			try {
				form = parseForm(req, await readBody(req));
				const body = endpoint === 'token' ? this.token(req, form) : this.revoke(req, form);
				this.record(endpoint, form, 'ok');
				sendOAuthJson(res, 200, body);
			} catch (err) {
				if (!(err instanceof OAuthError)) throw err;
				this.record(endpoint, form, err.error);
				const headers = err.status === 401 ? { 'WWW-Authenticate': 'Basic realm="heygen-sandbox"' } : {};
				const payload = JSON.stringify({ error: err.error, error_description: err.description });
				res.writeHead(err.status, { 'Content-Type': 'application/json', 'Cache-Control': 'no-store', ...headers });
				res.end(payload);
			}
			return true;
		}
		return false;
	}

	private info(client: Client): OAuthClientInfo {
		return {
			client_id: client.clientId,
			confidential: client.secret !== null,
			redirect_uris: [...client.redirectUris],
			account: client.account.name,
		};
	}

	private record(endpoint: OAuthLogEntry['endpoint'], form: Record<string, string>, outcome: string): void {
		this.logEntries.push({
			at: new Date().toISOString(),
			endpoint,
			grant_type: form.grant_type ?? null,
			client_id: form.client_id ?? null,
			outcome,
		});
	}

	/**
	 * An unknown client or an unregistered redirect URI is shown here, never redirected (RFC 6749
	 * §4.1.2.1: the redirect target cannot be trusted); other faults go back to the client.
	 */
	private checkRequest(params: Record<string, string>, res: ServerResponse): Client | undefined {
		const client = params.client_id ? this.clientsById.get(params.client_id) : undefined;
		const refuse = (error: string, message: string) => {
			this.record('authorize', { client_id: params.client_id ?? '' }, error);
			sendHtml(
				res,
				400,
				page('HeyGen: sign-in refused', `<h1 data-test-id="heygen-oauth-error">HeyGen cannot sign you in</h1>
<p>${escapeHtml(message)}</p><p><code>error=${escapeHtml(error)}</code></p>`),
			);
			return undefined;
		};
		if (!client) {
			return refuse(
				'invalid_client',
				`HeyGen does not know the client ID "${params.client_id ?? ''}". Check the Client ID in the n8n credential (HeyGen issues it through its partner programme).`,
			);
		}
		if (!params.redirect_uri || !client.redirectUris.includes(params.redirect_uri)) {
			return refuse(
				'invalid_redirect_uri',
				`The redirect URL "${params.redirect_uri ?? ''}" is not registered for client "${client.clientId}". Register the OAuth Redirect URL that n8n shows in the credential dialog.`,
			);
		}
		return client;
	}

	private authorizePage(res: ServerResponse, params: Record<string, string>): void {
		const client = this.checkRequest(params, res);
		if (!client) return;
		const back = (error: string, description: string) =>
			redirect(res, params.redirect_uri, { error, error_description: description, state: params.state });
		if (params.response_type !== 'code') return back('unsupported_response_type', 'response_type must be "code"');
		if (!params.code_challenge || params.code_challenge_method !== 'S256') {
			return back('invalid_request', 'PKCE is required: send code_challenge with code_challenge_method=S256');
		}
		const hidden = ['client_id', 'redirect_uri', 'state', 'code_challenge', 'code_challenge_method', 'scope']
			.map((name) => `<input type="hidden" name="${name}" value="${escapeHtml(params[name] ?? '')}">`)
			.join('');
		sendHtml(
			res,
			200,
			page('HeyGen: authorize access', `<h1>Authorize access to HeyGen</h1>
<p><strong>${escapeHtml(client.clientId)}</strong> asks to act as <strong>${escapeHtml(client.account.user.username)}</strong>
(${escapeHtml(client.account.user.email)}) with the scopes <code>${escapeHtml(params.scope ?? '')}</code>.</p>
<form method="post" action="${AUTHORIZE_PATH}">${hidden}
<button type="submit" name="decision" value="approve" data-test-id="heygen-consent-approve">Approve</button>
<button type="submit" name="decision" value="deny" data-test-id="heygen-consent-deny">Deny</button>
</form>`),
		);
	}

	private decide(res: ServerResponse, form: Record<string, string>): void {
		const client = this.checkRequest(form, res);
		if (!client) return;
		if (form.decision !== 'approve') {
			this.record('authorize', form, 'access_denied');
			return redirect(res, form.redirect_uri, {
				error: 'access_denied',
				error_description: 'The HeyGen user refused to give access',
				state: form.state,
			});
		}
		const code = token('hgac');
		this.codes.set(code, {
			clientId: client.clientId,
			redirectUri: form.redirect_uri,
			challenge: form.code_challenge,
			account: client.account,
			expiresAt: Date.now() + CODE_TTL_MS,
			used: false,
			refreshTokens: [],
		});
		this.record('authorize', form, 'approved');
		redirect(res, form.redirect_uri, { code, state: form.state });
	}

	/** Client authentication: in the body or HTTP Basic; a confidential client must prove its secret. */
	private authenticateClient(req: IncomingMessage, form: Record<string, string>): Client {
		let clientId = form.client_id;
		let secret = form.client_secret;
		const basic = /^Basic\s+(.+)$/i.exec(headerValue(req, 'authorization') ?? '');
		if (basic) {
			const [id, pass] = Buffer.from(basic[1], 'base64').toString('utf8').split(':');
			clientId = decodeURIComponent(id ?? '');
			secret = decodeURIComponent(pass ?? '');
		}
		const client = clientId ? this.clientsById.get(clientId) : undefined;
		if (!client) throw new OAuthError(401, 'invalid_client', `Unknown client_id "${clientId ?? ''}"`);
		if (client.secret !== null && !(secret && sameText(secret, client.secret))) {
			throw new OAuthError(401, 'invalid_client', 'Client authentication failed: wrong or missing client_secret');
		}
		return client;
	}

	private token(req: IncomingMessage, form: Record<string, string>): Record<string, unknown> {
		const client = this.authenticateClient(req, form);
		if (form.grant_type === 'authorization_code') return this.exchangeCode(client, form);
		if (form.grant_type === 'refresh_token') return this.refresh(client, form);
		throw new OAuthError(400, 'unsupported_grant_type', `grant_type "${form.grant_type ?? ''}" is not supported`);
	}

	private exchangeCode(client: Client, form: Record<string, string>): Record<string, unknown> {
		const code = form.code ? this.codes.get(form.code) : undefined;
		if (!code) throw new OAuthError(400, 'invalid_grant', 'The authorization code is invalid');
		if (code.used) {
			for (const refresh of code.refreshTokens) this.revokeRefresh(refresh);
			throw new OAuthError(400, 'invalid_grant', 'The authorization code was already used; the tokens it gave are revoked');
		}
		if (code.clientId !== client.clientId) throw new OAuthError(400, 'invalid_grant', 'The authorization code belongs to another client');
		if (Date.now() >= code.expiresAt) throw new OAuthError(400, 'invalid_grant', 'The authorization code has expired');
		if (form.redirect_uri !== code.redirectUri) {
			throw new OAuthError(400, 'invalid_grant', 'redirect_uri does not match the one of the authorization request');
		}
		if (!form.code_verifier) throw new OAuthError(400, 'invalid_request', 'code_verifier is required (PKCE)');
		if (!sameText(sha256Base64Url(form.code_verifier), code.challenge)) {
			throw new OAuthError(400, 'invalid_grant', 'PKCE verification failed: code_verifier does not match code_challenge');
		}
		code.used = true;
		const issued = this.issue(client, code.account);
		code.refreshTokens.push(issued.refresh_token as string);
		return issued;
	}

	private refresh(client: Client, form: Record<string, string>): Record<string, unknown> {
		const stored = form.refresh_token ? this.refreshTokens.get(form.refresh_token) : undefined;
		if (!stored || stored.clientId !== client.clientId) throw new OAuthError(400, 'invalid_grant', 'The refresh token is invalid');
		if (stored.revoked) throw new OAuthError(400, 'invalid_grant', 'The refresh token was revoked');
		// Rotation: the old refresh token is spent.
		this.revokeRefresh(form.refresh_token, false);
		return this.issue(client, stored.account);
	}

	private issue(client: Client, account: Account): Record<string, unknown> {
		const access = token('hgat');
		const refresh = token('hgrt');
		this.refreshTokens.set(refresh, { clientId: client.clientId, account, revoked: false });
		this.accessTokens.set(access, {
			clientId: client.clientId,
			account,
			expiresAt: Date.now() + this.accessTokenTtlSeconds * 1000,
			revoked: false,
			refreshToken: refresh,
		});
		return {
			access_token: access,
			refresh_token: refresh,
			token_type: 'Bearer',
			expires_in: this.accessTokenTtlSeconds,
			scope: 'openid profile email',
		};
	}

	/** Revoking a refresh token ends the access tokens issued with it (unless it was only rotated). */
	private revokeRefresh(value: string, withAccessTokens = true): void {
		const stored = this.refreshTokens.get(value);
		if (!stored) return;
		stored.revoked = true;
		if (!withAccessTokens) return;
		for (const access of this.accessTokens.values()) if (access.refreshToken === value) access.revoked = true;
	}

	/** RFC 7009: 200 whether or not the token was known; another client's token is left alone. */
	private revoke(req: IncomingMessage, form: Record<string, string>): Record<string, unknown> {
		const client = this.authenticateClient(req, form);
		if (!form.token) throw new OAuthError(400, 'invalid_request', 'token is required');
		const access = this.accessTokens.get(form.token);
		if (access && access.clientId === client.clientId) access.revoked = true;
		const refresh = this.refreshTokens.get(form.token);
		if (refresh && refresh.clientId === client.clientId) this.revokeRefresh(form.token);
		return {};
	}
}
