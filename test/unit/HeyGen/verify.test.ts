import { createHmac } from 'crypto';
import { NodeOperationError } from 'n8n-workflow';

import { HeyGen } from '../../../nodes/HeyGen/HeyGen.node';
import { binaryItem, fakeExecuteFunctions } from '../helpers/fakeExecuteFunctions';

const node = new HeyGen();
const SECRET = 'whsec_test_secret';
const BODY = '{"event_type":"avatar_video.success","event_data":{"video_id":"v1","callback_id":"c1"}}';

const sign = (body: string, secret = SECRET) => createHmac('sha256', secret).update(body).digest('hex');
const now = () => String(Math.floor(Date.now() / 1000));

function verifyParams(overrides: Record<string, unknown> = {}) {
	return {
		resource: 'signature',
		operation: 'verify',
		secret: SECRET,
		bodySource: 'binary',
		binaryPropertyName: 'data',
		signature: sign(BODY),
		timestamp: now(),
		timestampTolerance: 300,
		...overrides,
	};
}

async function verify(params: Record<string, unknown>, rawBody = BODY, json = {}) {
	const { context } = fakeExecuteFunctions({ params: [params], items: [binaryItem(rawBody, json)] });
	const [output] = await node.execute.call(context);
	return output[0].json;
}

describe('Webhook Signature → Verify', () => {
	it('accepts a genuine delivery from the Webhook node\'s raw body, with its event type and id', async () => {
		const result = await verify(verifyParams(), BODY, { headers: { 'heygen-event-id': 'evt_1' } });

		expect(result).toEqual({
			valid: true,
			reason: null,
			message: null,
			event_type: 'avatar_video.success',
			event_id: 'evt_1',
		});
	});

	it('accepts the raw body given as text', async () => {
		const result = await verify(verifyParams({ bodySource: 'string', rawBody: BODY }), 'ignored');

		expect(result.valid).toBe(true);
	});

	it('rejects an altered body', async () => {
		const altered = BODY.replace('v1', 'v2');
		const result = await verify(verifyParams(), altered);

		expect(result).toMatchObject({ valid: false, reason: 'invalid_signature' });
	});

	it('rejects a wrong secret, and never outputs the secret', async () => {
		const result = await verify(verifyParams({ signature: sign(BODY, 'whsec_other') }));

		expect(result).toMatchObject({ valid: false, reason: 'invalid_signature' });
		expect(JSON.stringify(result)).not.toContain(SECRET);
	});

	it('rejects a stale timestamp, unless the tolerance is 0', async () => {
		const stale = String(Math.floor(Date.now() / 1000) - 3600);

		expect(await verify(verifyParams({ timestamp: stale }))).toMatchObject({
			valid: false,
			reason: 'stale_timestamp',
		});
		expect(await verify(verifyParams({ timestamp: stale, timestampTolerance: 0 }))).toMatchObject({ valid: true });
	});

	it('reports a missing signature header as a result, not an error', async () => {
		expect(await verify(verifyParams({ signature: undefined }))).toMatchObject({
			valid: false,
			reason: 'missing_signature',
		});
	});

	it('explains how to get the raw body when the binary field is missing', async () => {
		const { context } = fakeExecuteFunctions({ params: [verifyParams()], items: [{ json: {} }] });

		const error = await node.execute.call(context).catch((caught: unknown) => caught);

		expect(error).toBeInstanceOf(NodeOperationError);
		expect((error as NodeOperationError).description).toContain('Raw Body');
	});
});
