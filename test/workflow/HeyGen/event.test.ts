import type { INode } from 'n8n-workflow';

import { searchWebhookEndpoints } from '../../../nodes/HeyGen/methods/listSearch';
import { useSandbox } from '../../support/sandboxFixture';

const heygen = useSandbox();

/** Fills the account's history (no endpoints, so nothing is delivered). */
function fireEvents(count: number): void {
	for (let i = 0; i < count; i++) {
		heygen.sandbox.fireEvent({
			event_type: i % 2 === 0 ? 'avatar_video.success' : 'avatar_video.fail',
			entity_id: i % 3 === 0 ? 'ent_a' : 'ent_b',
			event_data: { video_id: `v_${i}` },
		});
	}
}

describe('Event Type → Get Many', () => {
	it('returns every event type with its description', async () => {
		const result = await heygen.run([{}], { resource: 'eventType', operation: 'getAll' });

		expect(result.output('HeyGen').map((item) => item.json)).toEqual(heygen.sandbox.eventTypes());
		expect(heygen.calls()).toMatchObject([{ method: 'GET', path: '/v3/webhooks/event-types', query: {} }]);
	});
});

describe('Event → Get Many', () => {
	const getEvents = async (parameters: INode['parameters']) =>
		await heygen.run([{}], { resource: 'event', operation: 'getAll', ...parameters });

	it('passes both filters to HeyGen and follows the cursor', async () => {
		fireEvents(700);

		const result = await getEvents({ returnAll: true, filters: { eventType: 'avatar_video.success', entityId: 'ent_a' } });

		const expected = heygen.sandbox
			.events()
			.filter((event) => event.event_type === 'avatar_video.success' && event.entity_id === 'ent_a');
		expect(expected.length).toBeGreaterThan(100);
		expect(result.output('HeyGen').map((item) => item.json.event_id)).toEqual(expected.map((event) => event.event_id));
		const [first, second] = heygen.calls();
		expect(first.query).toEqual({ event_type: 'avatar_video.success', entity_id: 'ent_a', limit: '100' });
		expect(second.query).toMatchObject({ event_type: 'avatar_video.success', entity_id: 'ent_a', token: expect.any(String) });
	});

	it('honours the limit, with no filters sent when none are set', async () => {
		fireEvents(30);

		const result = await getEvents({ returnAll: false, limit: 7, filters: { eventType: '' } });

		expect(result.output('HeyGen')).toHaveLength(7);
		expect(heygen.calls().map((call) => call.query)).toEqual([{ limit: '7' }]);
	});
});

describe('Webhook Endpoint locator → From List', () => {
	it('lists the account\'s endpoints with URL, event labels and id, filtered by the search text', async () => {
		const [a] = await heygen.addEndpoints(1, { events: ['avatar_video.success', 'avatar_video_gif.fail'] });
		const [b] = await heygen.addEndpoints(1, { events: null });
		const context = heygen.loadOptions();

		const all = await searchWebhookEndpoints.call(context);

		expect(all.results).toEqual([
			{ name: `${a.url} · Avatar Video Success, Avatar Video GIF Fail · ${a.endpoint_id}`, value: a.endpoint_id },
			{ name: `${b.url} · All events · ${b.endpoint_id}`, value: b.endpoint_id },
		]);
		const names = async (filter: string) =>
			(await searchWebhookEndpoints.call(context, filter)).results.map((result) => result.value);
		expect(await names(b.url.toUpperCase())).toEqual([b.endpoint_id]);
		expect(await names('gif fail')).toEqual([a.endpoint_id]);
		expect(await names('avatar_video_gif.fail')).toEqual([a.endpoint_id]);
		expect(await names(b.endpoint_id)).toEqual([b.endpoint_id]);
	});
});
