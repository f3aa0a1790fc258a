import { createHmac, timingSafeEqual } from 'crypto';
import type { IDisplayOptions, INodeProperties } from 'n8n-workflow';

/**
 * The HeyGen webhook signature check, shared by the trigger and the "Verify" operation.
 * HeyGen signs only the raw body: hex HMAC-SHA256 keyed with the endpoint secret as-is.
 * The timestamp header is not signed; it only bounds how old a delivery may look.
 * Pure and never throws, so it can be tested exhaustively.
 */

export const SIGNATURE_HEADER = 'heygen-signature';
/** Pre-v3 deliveries and older third-party code use a plain `Signature` header. */
export const PRE_V3_SIGNATURE_HEADER = 'signature';
export const TIMESTAMP_HEADER = 'heygen-timestamp';
export const EVENT_ID_HEADER = 'heygen-event-id';

export const DEFAULT_TOLERANCE_SECONDS = 300;

/** The "Timestamp Tolerance (Seconds)" field of the trigger's options and of Verify. */
export function timestampToleranceField(displayOptions?: IDisplayOptions): INodeProperties {
	return {
		displayName: 'Timestamp Tolerance (Seconds)',
		name: 'timestampTolerance',
		type: 'number',
		typeOptions: { minValue: 0 },
		default: DEFAULT_TOLERANCE_SECONDS,
		description:
			'Reject deliveries whose Heygen-Timestamp is further than this from now. HeyGen does not sign the timestamp: this catches stale retries, not a replayed body with a fresh timestamp. 0 turns the age check off.',
		...(displayOptions ? { displayOptions } : {}),
	};
}

export type SignatureFailure =
	| 'missing_secret'
	| 'missing_signature'
	| 'invalid_signature'
	| 'missing_timestamp'
	| 'invalid_timestamp'
	| 'stale_timestamp';

export type SignatureCheck =
	| { valid: true; timestamp?: number }
	| { valid: false; reason: SignatureFailure; message: string };

export interface SignatureCheckInput {
	rawBody: Buffer | string;
	secret: string | undefined;
	signature: string | string[] | undefined;
	timestamp?: string | string[] | undefined;
	/** Seconds a delivery may be old (or early); 0 turns the timestamp check off. */
	toleranceSeconds: number;
	nowSeconds?: number;
}

type Headers = Record<string, string | string[] | undefined>;

/** Case-insensitive header read; the first of `names` present wins. */
export function readHeader(headers: Headers, ...names: string[]): string | undefined {
	for (const name of names.map((candidate) => candidate.toLowerCase())) {
		const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
		const value = key === undefined ? undefined : headers[key];
		const first = Array.isArray(value) ? value[0] : value;
		if (first !== undefined && first.trim() !== '') return first.trim();
	}
	return undefined;
}

export function computeSignature(rawBody: Buffer | string, secret: string): string {
	return createHmac('sha256', secret).update(rawBody).digest('hex');
}

/** The last second a JavaScript date can hold (year 275760). */
const LAST_DATE_SECONDS = 8.64e12;

/**
 * Parses `Heygen-Timestamp` (Unix seconds; milliseconds are tolerated) into seconds; undefined
 * for anything else, a time no date can hold included.
 */
export function parseTimestamp(value: string): number | undefined {
	if (!/^\d{1,16}$/.test(value)) return undefined;
	const number = Number(value);
	const seconds = number > 1e12 ? Math.floor(number / 1000) : number;
	return seconds <= LAST_DATE_SECONDS ? seconds : undefined;
}

/** Candidate signatures in a header: a bare hex digest, `sha256=<hex>`, or a comma list. */
function signatureCandidates(header: string): Buffer[] {
	return header
		.split(/[,\s]+/)
		.map((part) => part.replace(/^(sha256|v1)=/i, '').trim())
		.filter((part) => /^[0-9a-fA-F]{64}$/.test(part))
		.map((part) => Buffer.from(part.toLowerCase(), 'hex'));
}

export function verifySignature(input: SignatureCheckInput): SignatureCheck {
	if (!input.secret) {
		return {
			valid: false,
			reason: 'missing_secret',
			message: 'No signing secret is stored for this webhook endpoint',
		};
	}
	const header = Array.isArray(input.signature) ? input.signature.join(',') : input.signature;
	if (header === undefined || header.trim() === '') {
		return { valid: false, reason: 'missing_signature', message: 'Missing Heygen-Signature header' };
	}

	const expected = Buffer.from(computeSignature(input.rawBody, input.secret), 'hex');
	// Every candidate has the digest's length (32 bytes), so timingSafeEqual never throws.
	const matches = signatureCandidates(header).some((candidate) =>
		timingSafeEqual(candidate, expected),
	);
	if (!matches) {
		return {
			valid: false,
			reason: 'invalid_signature',
			message: 'Heygen-Signature does not match the request body',
		};
	}

	const rawTimestamp = Array.isArray(input.timestamp) ? input.timestamp[0] : input.timestamp;
	if (rawTimestamp === undefined || rawTimestamp.trim() === '') {
		if (input.toleranceSeconds <= 0) return { valid: true };
		return { valid: false, reason: 'missing_timestamp', message: 'Missing Heygen-Timestamp header' };
	}
	// A timestamp that is there must be one, even with the tolerance off: it ends up in the item.
	const timestamp = parseTimestamp(rawTimestamp.trim());
	if (timestamp === undefined) {
		return {
			valid: false,
			reason: 'invalid_timestamp',
			message: 'Heygen-Timestamp is not a Unix time in seconds',
		};
	}
	if (input.toleranceSeconds <= 0) return { valid: true, timestamp };
	const now = input.nowSeconds ?? Math.floor(Date.now() / 1000);
	const age = now - timestamp;
	if (Math.abs(age) > input.toleranceSeconds) {
		return {
			valid: false,
			reason: 'stale_timestamp',
			message: `Stale delivery: Heygen-Timestamp is ${age} s from now, outside the ${input.toleranceSeconds} s tolerance`,
		};
	}
	return { valid: true, timestamp };
}
