import * as nodeCrypto from 'node:crypto';
import { createHmac } from 'node:crypto';

import {
	computeSignature,
	DEFAULT_TOLERANCE_SECONDS,
	EVENT_ID_HEADER,
	PRE_V3_SIGNATURE_HEADER,
	parseTimestamp,
	readHeader,
	SIGNATURE_HEADER,
	TIMESTAMP_HEADER,
	verifySignature,
	type SignatureCheck,
	type SignatureCheckInput,
} from '../../../nodes/shared/signature';

// `crypto` and `node:crypto` are the same module object; signature.ts reads
// `crypto_1.timingSafeEqual` at call time (CommonJS output), so a spy on the module object works.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const cryptoModule = require('crypto') as typeof nodeCrypto;

const SECRET = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const NOW = 1_767_225_600; // 2026-01-01T00:00:00Z
const BODY = '{"event_type":"avatar_video.success","event_data":{"video_id":"v_1","url":"https://x/v.mp4","callback_id":"cb"}}';

/** The reference implementation, independent of the module under test. */
const hmacHex = (body: Buffer | string, secret: string) => createHmac('sha256', secret).update(body).digest('hex');

function check(overrides: Partial<SignatureCheckInput> = {}): SignatureCheck {
	return verifySignature({
		rawBody: BODY,
		secret: SECRET,
		signature: hmacHex(BODY, SECRET),
		timestamp: String(NOW),
		toleranceSeconds: DEFAULT_TOLERANCE_SECONDS,
		nowSeconds: NOW,
		...overrides,
	});
}

const reasonOf = (result: SignatureCheck) => (result.valid ? 'valid' : result.reason);

describe('header names', () => {
	it('are the lower-case names Node gives incoming headers', () => {
		expect(SIGNATURE_HEADER).toBe('heygen-signature');
		expect(PRE_V3_SIGNATURE_HEADER).toBe('signature');
		expect(TIMESTAMP_HEADER).toBe('heygen-timestamp');
		expect(EVENT_ID_HEADER).toBe('heygen-event-id');
		expect(DEFAULT_TOLERANCE_SECONDS).toBe(300);
	});
});

describe('computeSignature', () => {
	it.each([
		['a JSON string body', BODY],
		['a Buffer body', Buffer.from(BODY)],
		['an empty string', ''],
		['an empty Buffer', Buffer.alloc(0)],
		['unicode / multibyte text', '{"event_type":"x","event_data":{"title":"Grüße 👋 日本語 — ñ"}}'],
		['binary bytes that are not UTF-8', Buffer.from([0xff, 0x00, 0xfe, 0x80, 0x0a])],
	])('equals an independent HMAC-SHA256 hex digest over %s', (_name, body) => {
		const expected = hmacHex(body, SECRET);
		expect(computeSignature(body, SECRET)).toBe(expected);
		expect(computeSignature(body, SECRET)).toMatch(/^[0-9a-f]{64}$/);
	});

	it('gives the same digest for a string and for its UTF-8 bytes', () => {
		const text = '{"title":"Grüße 👋 日本語"}';
		expect(computeSignature(text, SECRET)).toBe(computeSignature(Buffer.from(text, 'utf8'), SECRET));
	});

	it('uses the whsec_ secret as-is, not base64-decoded and not stripped of its prefix', () => {
		const asIs = hmacHex(BODY, SECRET);
		const decoded = createHmac('sha256', Buffer.from(SECRET.slice('whsec_'.length), 'base64')).update(BODY).digest('hex');
		const stripped = hmacHex(BODY, SECRET.slice('whsec_'.length));
		expect(computeSignature(BODY, SECRET)).toBe(asIs);
		expect(computeSignature(BODY, SECRET)).not.toBe(decoded);
		expect(computeSignature(BODY, SECRET)).not.toBe(stripped);
	});
});

describe('verifySignature: valid signatures', () => {
	it('accepts a signature over a string body', () => {
		expect(check()).toEqual({ valid: true, timestamp: NOW });
	});

	it('accepts a signature over a Buffer body', () => {
		const raw = Buffer.from(BODY);
		expect(check({ rawBody: raw, signature: hmacHex(raw, SECRET) })).toEqual({ valid: true, timestamp: NOW });
	});

	it('accepts a unicode / multibyte body signed over its UTF-8 bytes (Buffer and string forms)', () => {
		const text = '{"event_type":"avatar_video.success","event_data":{"title":"Ünïcödé 🎬 中文 العربية"}}';
		const bytes = Buffer.from(text, 'utf8');
		const signature = hmacHex(bytes, SECRET);
		expect(check({ rawBody: bytes, signature }).valid).toBe(true);
		expect(check({ rawBody: text, signature }).valid).toBe(true);
	});

	it('accepts an empty body signed correctly', () => {
		expect(check({ rawBody: Buffer.alloc(0), signature: hmacHex('', SECRET) }).valid).toBe(true);
		expect(check({ rawBody: '', signature: hmacHex('', SECRET) }).valid).toBe(true);
	});

	it('accepts upper-case and mixed-case hex', () => {
		const hex = hmacHex(BODY, SECRET);
		expect(check({ signature: hex.toUpperCase() }).valid).toBe(true);
		const mixed = [...hex].map((c, i) => (i % 2 ? c.toUpperCase() : c)).join('');
		expect(check({ signature: mixed }).valid).toBe(true);
	});

	it('accepts surrounding whitespace', () => {
		expect(check({ signature: `  ${hmacHex(BODY, SECRET)}\t` }).valid).toBe(true);
	});

	it.each(['sha256=', 'SHA256=', 'v1='])('accepts the %s prefix', (prefix) => {
		expect(check({ signature: `${prefix}${hmacHex(BODY, SECRET)}` }).valid).toBe(true);
	});

	it('accepts a comma-separated list where one entry is valid among invalid ones', () => {
		const good = hmacHex(BODY, SECRET);
		const other = hmacHex(BODY, 'whsec_other');
		expect(check({ signature: `${other},${good}` }).valid).toBe(true);
		expect(check({ signature: `${good}, ${other}` }).valid).toBe(true);
		expect(check({ signature: `sha256=${other}, sha256=${good}, garbage` }).valid).toBe(true);
		expect(check({ signature: `${'0'.repeat(64)} ${good}` }).valid).toBe(true);
	});

	it('accepts array header values where any entry is valid', () => {
		const good = hmacHex(BODY, SECRET);
		expect(check({ signature: [good] }).valid).toBe(true);
		expect(check({ signature: ['nonsense', good] }).valid).toBe(true);
		expect(check({ signature: [hmacHex(BODY, 'whsec_old'), `sha256=${good}`] }).valid).toBe(true);
	});

	it('accepts a secret rotated in: the new secret verifies, the old does not', () => {
		const rotated = 'whsec_rotated_9f8e7d';
		expect(check({ secret: rotated, signature: hmacHex(BODY, rotated) }).valid).toBe(true);
		expect(check({ secret: rotated, signature: hmacHex(BODY, SECRET) }).valid).toBe(false);
	});
});

describe('verifySignature: invalid signatures (never throws)', () => {
	it('rejects a body altered by one byte', () => {
		const raw = Buffer.from(BODY);
		const signature = hmacHex(raw, SECRET);
		for (const index of [0, 10, raw.length - 1]) {
			const altered = Buffer.from(raw);
			altered[index] ^= 0x01;
			expect(reasonOf(check({ rawBody: altered, signature }))).toBe('invalid_signature');
		}
		// Same text, one extra byte at the end (a re-serialised body).
		expect(reasonOf(check({ rawBody: `${BODY} `, signature }))).toBe('invalid_signature');
	});

	it('rejects a re-serialised body (same JSON, different bytes)', () => {
		const reserialised = JSON.stringify(JSON.parse(BODY), null, 2);
		expect(reasonOf(check({ rawBody: reserialised }))).toBe('invalid_signature');
	});

	it('rejects a signature made with a different secret', () => {
		expect(reasonOf(check({ signature: hmacHex(BODY, 'whsec_wrong') }))).toBe('invalid_signature');
		expect(reasonOf(check({ secret: 'whsec_wrong' }))).toBe('invalid_signature');
	});

	it('rejects a signature made with the base64-decoded secret', () => {
		const decodedKey = Buffer.from(SECRET.slice('whsec_'.length), 'base64');
		const signature = createHmac('sha256', decodedKey).update(BODY).digest('hex');
		expect(reasonOf(check({ signature }))).toBe('invalid_signature');
	});

	it.each([
		['an empty string', ''],
		['undefined', undefined],
	])('reports missing_secret for %s as the secret, before anything else', (_name, secret) => {
		const result = check({ secret, signature: undefined, timestamp: undefined });
		expect(result).toEqual({ valid: false, reason: 'missing_secret', message: expect.any(String) });
		// Even a signature computed with the empty key is not accepted.
		expect(reasonOf(check({ secret, signature: hmacHex(BODY, '') }))).toBe('missing_secret');
	});

	it.each([
		['undefined', undefined],
		['an empty string', ''],
		['whitespace only', '   '],
		['an empty array', [] as string[]],
		['an array with one empty string', ['']],
	])('reports missing_signature for a header that is %s', (_name, signature) => {
		const result = check({ signature });
		expect(result).toEqual({ valid: false, reason: 'missing_signature', message: expect.stringContaining('Heygen-Signature') });
	});

	it('rejects an array of several empty values (joined as ",") as invalid_signature', () => {
		expect(reasonOf(check({ signature: ['', ''] }))).toBe('invalid_signature');
	});

	const digest = createHmac('sha256', SECRET).update(BODY).digest();
	const hex = digest.toString('hex');
	it.each([
		['63 hex chars (one short)', hex.slice(0, 63)],
		['65 hex chars (one extra)', `${hex}0`],
		['62 hex chars', hex.slice(0, 62)],
		['128 hex chars (doubled)', hex + hex],
		['non-hex of the right length', `${hex.slice(0, 63)}g`],
		['all z', 'z'.repeat(64)],
		['base64 of the right digest', digest.toString('base64')],
		['base64url of the right digest', digest.toString('base64url')],
		['hex with a 0x prefix', `0x${hex}`],
		['a lone prefix', 'sha256='],
		['a list of commas', ',,,'],
		['the secret itself', SECRET],
		['an unknown prefix', `sha1=${hex}`],
		['hex with an inner dash', `${hex.slice(0, 32)}-${hex.slice(32)}`],
		['unicode garbage', '👋'.repeat(32)],
		['a NUL byte', `${hex.slice(0, 63)}\u0000`],
	])('rejects %s as invalid_signature without throwing', (_name, signature) => {
		let result: SignatureCheck | undefined;
		expect(() => {
			result = check({ signature });
		}).not.toThrow();
		expect(result).toEqual({
			valid: false,
			reason: 'invalid_signature',
			message: 'Heygen-Signature does not match the request body',
		});
	});

	it('checks the signature before the timestamp (a forged request learns nothing about the clock)', () => {
		expect(reasonOf(check({ signature: '0'.repeat(64), timestamp: undefined }))).toBe('invalid_signature');
		expect(reasonOf(check({ signature: '0'.repeat(64), timestamp: 'garbage' }))).toBe('invalid_signature');
		expect(reasonOf(check({ signature: '0'.repeat(64), timestamp: String(NOW - 100_000) }))).toBe('invalid_signature');
	});

	it('never puts the secret or the expected signature into the failure message', () => {
		const expected = hmacHex(BODY, SECRET);
		const results = [
			check({ signature: 'x' }),
			check({ signature: hmacHex(BODY, 'other') }),
			check({ timestamp: 'nope' }),
			check({ timestamp: String(NOW - 10_000) }),
			check({ timestamp: undefined }),
		];
		for (const result of results) {
			expect(result.valid).toBe(false);
			expect(JSON.stringify(result)).not.toContain(SECRET);
			expect(JSON.stringify(result)).not.toContain(expected);
		}
	});
});

describe('verifySignature: timestamp', () => {
	const at = (timestamp: string | string[] | undefined, toleranceSeconds = 300, nowSeconds: number | undefined = NOW) =>
		check({ timestamp, toleranceSeconds, nowSeconds });

	it('accepts a timestamp within tolerance, past or future, and returns it', () => {
		expect(at(String(NOW))).toEqual({ valid: true, timestamp: NOW });
		expect(at(String(NOW - 299))).toEqual({ valid: true, timestamp: NOW - 299 });
		expect(at(String(NOW + 299))).toEqual({ valid: true, timestamp: NOW + 299 });
	});

	it('accepts a timestamp exactly at the boundary on both sides', () => {
		expect(at(String(NOW - 300)).valid).toBe(true);
		expect(at(String(NOW + 300)).valid).toBe(true);
	});

	it('rejects one second past the boundary as stale_timestamp', () => {
		const past = at(String(NOW - 301));
		expect(past).toEqual({ valid: false, reason: 'stale_timestamp', message: expect.stringContaining('301 s') });
		expect(reasonOf(at(String(NOW + 301)))).toBe('stale_timestamp');
	});

	it('rejects a delivery from long ago and one too far in the future', () => {
		expect(reasonOf(at(String(NOW - 86_400)))).toBe('stale_timestamp');
		expect(reasonOf(at('0'))).toBe('stale_timestamp');
		expect(reasonOf(at(String(NOW + 3_600)))).toBe('stale_timestamp');
	});

	it('honours a custom tolerance', () => {
		expect(at(String(NOW - 60), 60).valid).toBe(true);
		expect(reasonOf(at(String(NOW - 61), 60))).toBe('stale_timestamp');
		expect(at(String(NOW - 3_000), 3_600).valid).toBe(true);
	});

	it('tolerates milliseconds and reports seconds', () => {
		expect(at(String(NOW * 1000))).toEqual({ valid: true, timestamp: NOW });
		expect(at(String(NOW * 1000 + 999))).toEqual({ valid: true, timestamp: NOW });
		expect(reasonOf(at(String((NOW - 301) * 1000)))).toBe('stale_timestamp');
	});

	it('trims whitespace and takes the first value of an array', () => {
		expect(at(` ${NOW} `)).toEqual({ valid: true, timestamp: NOW });
		expect(at([String(NOW), 'garbage'])).toEqual({ valid: true, timestamp: NOW });
	});

	it.each(['abc', '17672256OO', '-1767225600', '1767225600.5', '1.7e9', '0x69555F00', '1767225600s', '12345678901234567'])(
		'reports invalid_timestamp for %j',
		(timestamp) => {
			expect(at(timestamp)).toEqual({ valid: false, reason: 'invalid_timestamp', message: expect.any(String) });
		},
	);

	it.each([
		['undefined', undefined],
		['empty', ''],
		['blank', '   '],
		['an empty array', [] as string[]],
	])('reports missing_timestamp when it is %s', (_name, timestamp) => {
		expect(at(timestamp)).toEqual({ valid: false, reason: 'missing_timestamp', message: expect.stringContaining('Heygen-Timestamp') });
	});

	it.each([
		['ancient', '1', 1],
		['far future', String(NOW + 10_000_000), NOW + 10_000_000],
	])('tolerance 0 disables the age check (timestamp %s)', (_name, timestamp, seconds) => {
		expect(at(timestamp, 0)).toEqual({ valid: true, timestamp: seconds });
	});

	it('tolerance 0 accepts a delivery without a timestamp', () => {
		expect(at(undefined, 0)).toEqual({ valid: true });
	});

	it.each([
		['garbage', 'garbage'],
		['beyond what a date holds', '9999999999999999'],
	])('tolerance 0 still refuses a timestamp that is there but is none (%s): it would reach the item', (_name, timestamp) => {
		expect(reasonOf(at(timestamp, 0))).toBe('invalid_timestamp');
	});

	it('a negative tolerance also disables the age check', () => {
		expect(at('1', -1)).toEqual({ valid: true, timestamp: 1 });
	});

	it('uses the clock when nowSeconds is not given', () => {
		const now = Math.floor(Date.now() / 1000);
		expect(check({ timestamp: String(now), nowSeconds: undefined }).valid).toBe(true);
		expect(reasonOf(check({ timestamp: String(now - 3_600), nowSeconds: undefined }))).toBe('stale_timestamp');
	});
});

describe('parseTimestamp', () => {
	it.each([
		['1767225600', 1767225600],
		['0', 0],
		['1000000000000', 1000000000000], // exactly 1e12 is still read as seconds
		['1000000000001', 1000000000],
		['1767225600123', 1767225600],
		['999999999999999', 999999999999],
		['8640000000000000', 8640000000000], // the last second a date holds
	])('%s → %s', (value, expected) => {
		expect(parseTimestamp(value)).toBe(expected);
	});

	it.each(['', ' 1', '1 ', '-5', '+5', '1.5', '1e9', 'NaN', 'Infinity', '12345678901234567', '8640000000001000', '9999999999999999', '١٢٣'])(
		'%j → undefined',
		(value) => {
			expect(parseTimestamp(value)).toBeUndefined();
		},
	);
});

describe('readHeader', () => {
	it('reads a header whatever case the sender used', () => {
		for (const name of ['heygen-signature', 'Heygen-Signature', 'HEYGEN-SIGNATURE', 'HeyGen-Signature']) {
			expect(readHeader({ [name]: 'abc' }, SIGNATURE_HEADER)).toBe('abc');
		}
	});

	it('prefers Heygen-Signature over the legacy Signature header', () => {
		const headers = { Signature: 'legacy', 'Heygen-Signature': 'current' };
		expect(readHeader(headers, SIGNATURE_HEADER, PRE_V3_SIGNATURE_HEADER)).toBe('current');
		// Order of the object's keys does not matter, the order of names does.
		expect(readHeader({ 'heygen-signature': 'current', signature: 'legacy' }, SIGNATURE_HEADER, PRE_V3_SIGNATURE_HEADER)).toBe(
			'current',
		);
	});

	it('falls back to Signature when Heygen-Signature is absent, empty or blank', () => {
		expect(readHeader({ SIGNATURE: 'legacy' }, SIGNATURE_HEADER, PRE_V3_SIGNATURE_HEADER)).toBe('legacy');
		expect(readHeader({ 'heygen-signature': '', signature: 'legacy' }, SIGNATURE_HEADER, PRE_V3_SIGNATURE_HEADER)).toBe('legacy');
		expect(readHeader({ 'heygen-signature': '  ', signature: 'legacy' }, SIGNATURE_HEADER, PRE_V3_SIGNATURE_HEADER)).toBe(
			'legacy',
		);
		expect(readHeader({ 'heygen-signature': undefined, signature: 'legacy' }, SIGNATURE_HEADER, PRE_V3_SIGNATURE_HEADER)).toBe(
			'legacy',
		);
	});

	it('takes the first value of an array and trims it', () => {
		expect(readHeader({ 'heygen-event-id': [' ev_1 ', 'ev_2'] }, EVENT_ID_HEADER)).toBe('ev_1');
	});

	it('returns undefined when no name is present or all values are blank', () => {
		expect(readHeader({}, SIGNATURE_HEADER, PRE_V3_SIGNATURE_HEADER)).toBeUndefined();
		expect(readHeader({ other: 'x' }, SIGNATURE_HEADER)).toBeUndefined();
		expect(readHeader({ 'heygen-signature': ' ', signature: [] }, SIGNATURE_HEADER, PRE_V3_SIGNATURE_HEADER)).toBeUndefined();
		expect(readHeader({ 'heygen-signature': 'x' })).toBeUndefined();
	});

	it('does not confuse Signature with Heygen-Signature or with a prefix/suffix match', () => {
		expect(readHeader({ 'x-signature': 'no', 'signature-old': 'no' }, PRE_V3_SIGNATURE_HEADER)).toBeUndefined();
		expect(readHeader({ 'heygen-signature': 'current' }, PRE_V3_SIGNATURE_HEADER)).toBeUndefined();
	});

	// readHeader lower-cases the names it is given as well as the request's: the constants are
	// lower-case, but a caller passing 'Heygen-Signature' still finds the header.
	it('also matches when the name argument itself is mixed case', () => {
		expect(readHeader({ 'heygen-signature': 'abc' }, 'Heygen-Signature')).toBe('abc');
	});

	it('feeds verifySignature end to end from raw incoming headers', () => {
		const headers = {
			'Heygen-Signature': hmacHex(BODY, SECRET),
			'Heygen-Timestamp': String(NOW),
		};
		expect(
			verifySignature({
				rawBody: Buffer.from(BODY),
				secret: SECRET,
				signature: readHeader(headers, SIGNATURE_HEADER, PRE_V3_SIGNATURE_HEADER),
				timestamp: readHeader(headers, TIMESTAMP_HEADER),
				toleranceSeconds: 300,
				nowSeconds: NOW,
			}),
		).toEqual({ valid: true, timestamp: NOW });
	});
});

describe('constant-time comparison', () => {
	let spy: jest.SpyInstance;
	beforeEach(() => {
		spy = jest.spyOn(cryptoModule, 'timingSafeEqual');
	});
	afterEach(() => spy.mockRestore());

	it('compares through crypto.timingSafeEqual with two 32-byte buffers per candidate', () => {
		const good = hmacHex(BODY, SECRET);
		expect(check({ signature: good }).valid).toBe(true);
		expect(spy).toHaveBeenCalled();
		for (const [a, b] of spy.mock.calls as Array<[Buffer, Buffer]>) {
			expect(a).toHaveLength(32);
			expect(b).toHaveLength(32);
		}
		expect(spy.mock.calls.some(([a, b]) => Buffer.compare(a as Buffer, b as Buffer) === 0)).toBe(true);
	});

	it('decides by timingSafeEqual: when it says "different", even the right signature is rejected', () => {
		spy.mockReturnValue(false);
		expect(reasonOf(check())).toBe('invalid_signature');
		expect(spy).toHaveBeenCalledTimes(1);
	});

	it('checks every well-formed candidate of a list', () => {
		const other = hmacHex(BODY, 'x');
		check({ signature: `${other},${other},${hmacHex(BODY, SECRET)}` });
		expect(spy).toHaveBeenCalledTimes(3);
	});

	it('never reaches timingSafeEqual with a length that differs (so it cannot throw)', () => {
		const hex = hmacHex(BODY, SECRET);
		for (const signature of [hex.slice(0, 63), `${hex}00`, 'ab', Buffer.from(hex, 'hex').toString('base64')]) {
			expect(() => check({ signature })).not.toThrow();
		}
		expect(spy).not.toHaveBeenCalled();
	});
});

describe('property: arbitrary header strings never throw', () => {
	// mulberry32: small deterministic PRNG so failures are reproducible.
	function prng(seed: number) {
		let a = seed >>> 0;
		return () => {
			a = (a + 0x6d2b79f5) >>> 0;
			let t = a;
			t = Math.imul(t ^ (t >>> 15), t | 1);
			t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
			return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
		};
	}
	const ALPHABET = '0123456789abcdefABCDEFxyz=,; \t\n-_+/sha256v1\u0000é👋';

	function randomHeader(random: () => number): string {
		const shape = Math.floor(random() * 5);
		const chars = [...ALPHABET];
		const pick = () => chars[Math.floor(random() * chars.length)];
		const hex = () => '0123456789abcdef'[Math.floor(random() * 16)];
		switch (shape) {
			case 0: // near-digest lengths of hex
				return Array.from({ length: 60 + Math.floor(random() * 9) }, hex).join('');
			case 1: // prefixed hex, sometimes a list
				return Array.from({ length: 1 + Math.floor(random() * 3) }, () => `sha256=${Array.from({ length: 64 }, hex).join('')}`).join(
					random() < 0.5 ? ',' : ', ',
				);
			default: // anything
				return Array.from({ length: Math.floor(random() * 200) }, pick).join('');
		}
	}

	it('verifySignature answers (never throws) for 200 random headers and timestamps', () => {
		const random = prng(20260101);
		const bodies = [BODY, Buffer.from(BODY), '', Buffer.from([0xff, 0xfe])];
		for (let i = 0; i < 200; i++) {
			const header = randomHeader(random);
			const input: SignatureCheckInput = {
				rawBody: bodies[i % bodies.length],
				secret: i % 17 === 0 ? '' : SECRET,
				signature: i % 3 === 0 ? [header, randomHeader(random)] : header,
				timestamp: randomHeader(random).slice(0, 20),
				toleranceSeconds: i % 5 === 0 ? 0 : 300,
				nowSeconds: NOW,
			};
			let result: SignatureCheck | undefined;
			expect(() => {
				result = verifySignature(input);
			}).not.toThrow();
			// A random header cannot be the correct digest.
			expect(result?.valid).toBe(false);
			expect(() => readHeader({ 'heygen-signature': header, Signature: [header] }, SIGNATURE_HEADER, PRE_V3_SIGNATURE_HEADER)).not.toThrow();
			expect(() => parseTimestamp(header)).not.toThrow();
		}
	});

	it('a valid digest hidden among random garbage is still found', () => {
		const random = prng(7);
		const good = hmacHex(BODY, SECRET);
		for (let i = 0; i < 50; i++) {
			const noise = randomHeader(random).replace(/[0-9a-fA-F]{64}/g, '');
			expect(check({ signature: `${noise},${good}` }).valid).toBe(true);
		}
	});
});
