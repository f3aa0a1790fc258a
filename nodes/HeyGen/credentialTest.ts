import type {
	ICredentialsDecrypted,
	ICredentialTestFunctions,
	IDataObject,
	INodeCredentialTestResult,
} from 'n8n-workflow';

import { DEFAULT_BASE_URL, normaliseBaseUrl } from '../shared/transport';

/**
 * The "HeyGen API" credential's Test button. A request test with rules cannot demand a body
 * shape, and n8n 1.x drops its messages for 401 and refused connections; a test function can.
 * Passes only when the Base URL answers `GET /v3/users/me` with HeyGen's user object.
 */

export const CREDENTIAL_TEST_NAME = 'heyGenApiCredentialTest';

const USER_PATH = '/v3/users/me';
const CHECK_BASE_URL = `Check the Base URL: leave it as ${DEFAULT_BASE_URL} unless you use a HeyGen sandbox.`;
const CHECK_API_KEY = 'Check the API Key, from Settings → API in the HeyGen app.';

interface FullResponse {
	statusCode: number;
	body: unknown;
}

const fail = (message: string): INodeCredentialTestResult => ({ status: 'Error', message });

/** HeyGen's answer to `/v3/users/me`: `{data: {username, email, …}}`. */
function userOf(body: unknown): IDataObject | undefined {
	let parsed = body;
	if (typeof body === 'string') {
		try {
			parsed = JSON.parse(body);
		} catch {
			return undefined;
		}
	}
	const data = (parsed as { data?: unknown } | null)?.data;
	if (data === null || typeof data !== 'object' || Array.isArray(data)) return undefined;
	const user = data as IDataObject;
	return typeof user.username === 'string' || typeof user.email === 'string' ? user : undefined;
}

/** Judges one answer of `GET /v3/users/me`; pure, so every case is testable without n8n. */
export function judgeUserAnswer(baseUrl: string, response: FullResponse): INodeCredentialTestResult {
	const { statusCode, body } = response;
	if (statusCode === 401) return fail(`HeyGen rejected the API key (401 unauthorized). ${CHECK_API_KEY}`);
	if (statusCode === 403) {
		return fail(`HeyGen accepted the API key but refused access (403 forbidden). ${CHECK_API_KEY}`);
	}
	if (statusCode === 404) return fail(`No HeyGen API at ${baseUrl} (404 on ${USER_PATH}). ${CHECK_BASE_URL}`);
	if (statusCode < 200 || statusCode > 299) {
		return fail(`${baseUrl} answered HTTP ${statusCode} on ${USER_PATH}. ${CHECK_BASE_URL}`);
	}
	const user = userOf(body);
	if (!user) {
		const what = typeof body === 'string' && /^\s*</.test(body) ? 'a web page' : 'something else';
		return fail(`${baseUrl} is not HeyGen's API: ${USER_PATH} answered ${what}, not a HeyGen user. ${CHECK_BASE_URL}`);
	}
	return { status: 'OK', message: `Connected to HeyGen as ${String(user.username ?? user.email)}` };
}

/** Why a request got no answer at all, in the words of the setting to change. */
export function judgeNoAnswer(baseUrl: string, error: { code?: string; cause?: { code?: string }; message?: string }) {
	const code = error.code ?? error.cause?.code;
	const reason = code ?? error.message ?? 'no answer';
	return fail(`Could not reach ${baseUrl} (${reason}). ${CHECK_BASE_URL}`);
}

export async function testHeyGenCredential(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const baseUrl = normaliseBaseUrl(credential.data?.baseUrl);
	if (!/^https?:\/\/[^/\s]+/i.test(baseUrl)) {
		return fail(`The Base URL "${baseUrl}" is not an http(s) address. ${CHECK_BASE_URL}`);
	}
	const apiKey = credential.data?.apiKey;
	if (typeof apiKey !== 'string' || apiKey.trim() === '') return fail(`The API Key is empty. ${CHECK_API_KEY}`);
	// n8n hands a credential test only the older `request` helper (no httpRequest), on 1.x and
	// 2.x alike; it carries n8n's proxy and SSRF settings, unlike a client of our own.
	const { request } = this.helpers;
	let response: FullResponse;
	try {
		response = (await request({
			method: 'GET',
			uri: `${baseUrl}${USER_PATH}`,
			headers: { 'X-Api-Key': apiKey, Accept: 'application/json' },
			json: true,
			simple: false,
			resolveWithFullResponse: true,
			timeout: 15_000,
		})) as FullResponse;
	} catch (error) {
		return judgeNoAnswer(baseUrl, error as { code?: string; message?: string });
	}
	return judgeUserAnswer(baseUrl, response);
}
