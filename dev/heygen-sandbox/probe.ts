// Endpoint URL rules: absolute http(s), HTTPS unless loopback, and a live OPTIONS probe with a
// 1-second timeout (HeyGen documents this for endpoint validation).
import { ApiError } from './errors';
import { sendRequest, USER_AGENT } from './outbound';
import type { ProbeRecord } from './types';

export function isLoopbackHost(hostname: string): boolean {
	const host = hostname.toLowerCase().replace(/^\[|\]$/g, '');
	if (host === 'localhost' || host.endsWith('.localhost')) return true;
	if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
	if (/^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host)) return true;
	return /^::ffff:127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

/** Syntax and scheme checks (no network). Throws 400 with `param` (an endpoint's `url`, a job's `callback_url`). */
export function validateWebhookUrl(raw: unknown, allowHttpHosts: readonly string[] = [], param = 'url'): URL {
	if (typeof raw !== 'string' || raw.trim() === '') throw ApiError.invalid(param, `${param} is required and must be a string`);
	let url: URL;
	try {
		url = new URL(raw);
	} catch {
		throw ApiError.invalid(param, `${param} must be an absolute http(s) URL`);
	}
	if (url.protocol !== 'https:' && url.protocol !== 'http:') {
		throw ApiError.invalid(param, `${param} must be an absolute http(s) URL`);
	}
	const host = url.hostname.toLowerCase();
	if (url.protocol === 'http:' && !isLoopbackHost(host) && !allowHttpHosts.includes(host)) {
		throw ApiError.invalid(param, `${param} must use HTTPS (plain http is only accepted for loopback hosts in the sandbox)`);
	}
	return url;
}

export async function probeUrl(url: URL, timeoutMs: number, signal?: AbortSignal): Promise<ProbeRecord> {
	const sentAt = new Date().toISOString();
	const result = await sendRequest({
		url,
		method: 'OPTIONS',
		headers: { 'User-Agent': USER_AGENT },
		timeoutMs,
		signal,
	});
	const ok = result.status !== null && result.status >= 200 && result.status < 300;
	let error: string | null = null;
	if (!ok) {
		error = result.timedOut
			? `OPTIONS request timed out after ${timeoutMs} ms`
			: result.status !== null
				? `OPTIONS request returned HTTP ${result.status}`
				: `connection error (${result.error ?? 'unknown'})`;
	}
	return { url: url.toString(), ok, status: result.status, error, sent_at: sentAt, duration_ms: result.durationMs };
}

export function probeFailure(probe: ProbeRecord): ApiError {
	return ApiError.invalid('url', `Webhook URL could not be validated: ${probe.error ?? 'unknown error'}`);
}
