import type { IDataObject, INodeExecutionData } from 'n8n-workflow';

import { signBody } from '../../../dev/heygen-sandbox/server';
import { useSandbox } from '../../support/sandboxFixture';

const heygen = useSandbox();
const SECRET_CREDENTIALS = 'heyGenWebhookSecretApi';
const SECRET = 'whsec_test_secret';
const BODY = '{"event_type":"avatar_video.success","event_data":{"video_id":"v1","callback_id":"c1"}}';
const now = () => String(Math.floor(Date.now() / 1000));

/** What n8n's Webhook node outputs for a HeyGen delivery with Options → Raw Body on. */
function webhookItem(rawBody: string, headers: IDataObject): INodeExecutionData {
	return {
		json: { headers, body: JSON.parse(rawBody) as IDataObject },
		binary: { data: { data: Buffer.from(rawBody).toString('base64'), mimeType: 'application/json' } },
	};
}

const genuineHeaders = (body = BODY): IDataObject => ({
	'heygen-signature': signBody(SECRET, body),
	'heygen-timestamp': now(),
	'heygen-event-id': 'evt_1',
});

/** The node as a user sets it up after a Webhook node: headers read by expressions. */
const parameters = (overrides: IDataObject = {}) => ({
	resource: 'signature',
	operation: 'verify',
	secret: SECRET,
	bodySource: 'binary',
	binaryPropertyName: 'data',
	signature: '={{ $json.headers["heygen-signature"] }}',
	timestamp: '={{ $json.headers["heygen-timestamp"] }}',
	timestampTolerance: 300,
	...overrides,
});

async function verify(items: INodeExecutionData[], overrides: IDataObject = {}) {
	const result = await heygen.run(items, parameters(overrides));
	expect(result.error).toBeUndefined();
	return result.output('HeyGen').map((item) => item.json);
}

describe('Webhook Signature → Verify', () => {
	it('accepts a genuine delivery from the Webhook node\'s raw body, with its event type and id', async () => {
		expect(await verify([webhookItem(BODY, genuineHeaders())])).toEqual([
			{ valid: true, reason: null, message: null, event_type: 'avatar_video.success', event_id: 'evt_1' },
		]);
	});

	it('checks every item on its own headers and body, paired with it', async () => {
		const altered = BODY.replace('v1', 'v2');
		const result = await heygen.run(
			[webhookItem(BODY, genuineHeaders()), webhookItem(altered, genuineHeaders())],
			parameters(),
		);

		expect(result.output('HeyGen').map((item) => [item.pairedItem, item.json.valid])).toEqual([
			[{ item: 0 }, true],
			[{ item: 1 }, false],
		]);
	});

	it('accepts the raw body given as text', async () => {
		const [result] = await verify([{ json: { headers: genuineHeaders(), raw: BODY } }], {
			bodySource: 'string',
			rawBody: '={{ $json.raw }}',
		});

		expect(result.valid).toBe(true);
	});

	it('rejects an altered body, and says nothing of its content', async () => {
		const [result] = await verify([webhookItem(BODY.replace('v1', 'v2'), genuineHeaders())]);

		expect(result).toEqual({ valid: false, reason: 'invalid_signature', message: expect.any(String) });
	});

	describe('the secret from a "HeyGen Webhook Signing Secret API" credential (version 2\'s default)', () => {
		const withCredential = async (items: INodeExecutionData[], secret: string) => {
			const { secret: _inParameter, ...rest } = parameters();
			void _inParameter;
			const result = await heygen.run(items, rest, { typeVersion: 2, credentials: { [SECRET_CREDENTIALS]: { secret } } });
			expect(result.error).toBeUndefined();
			return result.output('HeyGen').map((item) => item.json);
		};

		it('verifies a genuine delivery with the secret n8n keeps encrypted', async () => {
			expect(await withCredential([webhookItem(BODY, genuineHeaders())], SECRET)).toEqual([
				{ valid: true, reason: null, message: null, event_type: 'avatar_video.success', event_id: 'evt_1' },
			]);
		});

		it('rejects it with another endpoint\'s secret, and outputs neither secret nor event', async () => {
			const [result] = await withCredential([webhookItem(BODY, genuineHeaders())], 'whsec_other');
			expect(result).toEqual({ valid: false, reason: 'invalid_signature', message: expect.any(String) });
		});

		it('version 1 still reads the secret from its parameter', async () => {
			const result = await heygen.run([webhookItem(BODY, genuineHeaders())], parameters(), { typeVersion: 1 });
			expect(result.output('HeyGen')[0].json).toMatchObject({ valid: true });
		});
	});

	it('rejects a wrong secret, and never outputs the secret', async () => {
		const [result] = await verify([
			webhookItem(BODY, { ...genuineHeaders(), 'heygen-signature': signBody('whsec_other', BODY) }),
		]);

		expect(result).toMatchObject({ valid: false, reason: 'invalid_signature' });
		expect(JSON.stringify(result)).not.toContain(SECRET);
	});

	it('rejects a stale timestamp, unless the tolerance is 0', async () => {
		const stale = webhookItem(BODY, { ...genuineHeaders(), 'heygen-timestamp': String(Math.floor(Date.now() / 1000) - 3600) });

		expect(await verify([stale])).toMatchObject([{ valid: false, reason: 'stale_timestamp' }]);
		expect(await verify([stale], { timestampTolerance: 0 })).toMatchObject([{ valid: true }]);
	});

	it('reports a missing signature header as a result, not an error', async () => {
		const headers = genuineHeaders();
		delete headers['heygen-signature'];

		expect(await verify([webhookItem(BODY, headers)])).toMatchObject([{ valid: false, reason: 'missing_signature' }]);
	});

	it('explains how to get the raw body when the binary field is missing', async () => {
		const result = await heygen.run([{ json: { headers: genuineHeaders() } }], parameters());

		expect(result.error?.name).toBe('NodeOperationError');
		expect(result.error?.description).toContain('Raw Body');
	});
});
