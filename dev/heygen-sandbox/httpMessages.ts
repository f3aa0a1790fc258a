// Small helpers over node:http for the sandbox's own server side.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError } from './errors';

const MAX_BODY_BYTES = 1024 * 1024;

export function readBody(req: IncomingMessage): Promise<Buffer> {
	return new Promise((resolve, reject) => {
		const chunks: Buffer[] = [];
		let size = 0;
		req.on('data', (chunk: Buffer) => {
			size += chunk.length;
			if (size <= MAX_BODY_BYTES) chunks.push(chunk);
		});
		req.on('end', () => {
			if (size > MAX_BODY_BYTES) reject(ApiError.invalid('body', 'Request body too large'));
			else resolve(Buffer.concat(chunks));
		});
		req.on('error', reject);
	});
}

/** Parses a JSON object body; an empty body counts as `{}`. */
export function parseJsonObject(raw: Buffer): Record<string, unknown> {
	if (raw.length === 0) return {};
	let parsed: unknown;
	try {
		parsed = JSON.parse(raw.toString('utf8'));
	} catch {
		throw ApiError.invalid('body', 'Request body is not valid JSON');
	}
	if (!isPlainObject(parsed)) throw ApiError.invalid('body', 'Request body must be a JSON object');
	return parsed;
}

/** Best-effort body for the call log: JSON when it parses, the text otherwise. */
export function bodyForLog(raw: Buffer): unknown {
	if (raw.length === 0) return null;
	const text = raw.toString('utf8');
	try {
		return JSON.parse(text) as unknown;
	} catch {
		return text.slice(0, 2000);
	}
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function sendJson(
	res: ServerResponse,
	status: number,
	body: unknown,
	headers: Record<string, string> = {},
): void {
	const payload = JSON.stringify(body);
	res.writeHead(status, {
		'Content-Type': 'application/json',
		'Content-Length': String(Buffer.byteLength(payload)),
		...headers,
	});
	res.end(payload);
}

export function queryObject(params: URLSearchParams): Record<string, string | string[]> {
	const out: Record<string, string | string[]> = {};
	for (const key of new Set(params.keys())) {
		const all = params.getAll(key);
		out[key] = all.length === 1 ? all[0] : all;
	}
	return out;
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
	const value = req.headers[name.toLowerCase()];
	return Array.isArray(value) ? value[0] : value;
}
