import { HeyGen } from '../../../nodes/HeyGen/HeyGen.node';
import { searchWebhookEndpoints } from '../../../nodes/shared/methods/listSearch';
import { fakeExecuteFunctions } from '../helpers/fakeExecuteFunctions';
import { FakeHeyGenApi } from '../helpers/fakeHeyGenApi';

const node = new HeyGen();

function apiWithEvents(count: number): FakeHeyGenApi {
	const api = new FakeHeyGenApi();
	for (let i = 0; i < count; i++) {
		api.events.push({
			event_id: `evt_${i}`,
			event_type: i % 2 === 0 ? 'avatar_video.success' : 'avatar_video.fail',
			entity_id: i % 3 === 0 ? 'ent_a' : 'ent_b',
			event_data: { video_id: `v_${i}` },
			created_at: '2026-01-01T00:00:00Z',
		});
	}
	return api;
}

describe('Event Type → Get Many', () => {
	it('returns every event type with its description', async () => {
		const api = new FakeHeyGenApi();
		const { context, requests } = fakeExecuteFunctions({
			respond: api.respond,
			params: [{ resource: 'eventType', operation: 'getAll' }],
		});

		const [output] = await node.execute.call(context);

		expect(output.map((item) => item.json)).toEqual(api.eventTypes);
		expect(requests[0].qs).toEqual({});
	});
});

describe('Event → Get Many', () => {
	it('passes both filters to HeyGen and follows the cursor', async () => {
		const api = apiWithEvents(700);
		const { context, requests } = fakeExecuteFunctions({
			respond: api.respond,
			params: [
				{
					resource: 'event',
					operation: 'getAll',
					returnAll: true,
					filters: { eventType: 'avatar_video.success', entityId: 'ent_a' },
				},
			],
		});

		const [output] = await node.execute.call(context);

		const expected = api.events.filter((e) => e.event_type === 'avatar_video.success' && e.entity_id === 'ent_a');
		expect(output.map((item) => item.json.event_id)).toEqual(expected.map((e) => e.event_id));
		expect(expected.length).toBeGreaterThan(100);
		expect(requests[0].qs).toEqual({ event_type: 'avatar_video.success', entity_id: 'ent_a', limit: 100 });
		expect(requests[1].qs).toMatchObject({ token: 'cursor_100' });
	});

	it('honours the limit, with no filters sent when none are set', async () => {
		const api = apiWithEvents(30);
		const { context, requests } = fakeExecuteFunctions({
			respond: api.respond,
			params: [{ resource: 'event', operation: 'getAll', returnAll: false, limit: 7, filters: { eventType: '' } }],
		});

		const [output] = await node.execute.call(context);

		expect(output).toHaveLength(7);
		expect(requests.map((request) => request.qs)).toEqual([{ limit: 7 }]);
	});
});

describe('Webhook Endpoint locator → From List', () => {
	it('lists the account\'s endpoints with URL, event labels and id, filtered by the search text', async () => {
		const api = new FakeHeyGenApi();
		api.addEndpoint({ url: 'https://a.example.com/hook', events: ['avatar_video.success', 'avatar_video_gif.fail'] });
		api.addEndpoint({ url: 'https://b.example.com/hook', events: null });
		const { context } = fakeExecuteFunctions({ respond: api.respond, params: [] });

		const all = await searchWebhookEndpoints.call(context);

		expect(all.results).toEqual([
			{ name: 'https://a.example.com/hook · Avatar Video Success, Avatar Video GIF Fail · ep_1', value: 'ep_1' },
			{ name: 'https://b.example.com/hook · All events · ep_2', value: 'ep_2' },
		]);
		const names = async (filter: string) =>
			(await searchWebhookEndpoints.call(context, filter)).results.map((result) => result.value);
		expect(await names('B.EXAMPLE')).toEqual(['ep_2']);
		expect(await names('gif fail')).toEqual(['ep_1']);
		expect(await names('avatar_video_gif.fail')).toEqual(['ep_1']);
		expect(await names('ep_2')).toEqual(['ep_2']);
	});
});
