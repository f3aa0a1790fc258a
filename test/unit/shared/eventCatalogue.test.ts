import { HeyGenTrigger } from '../../../nodes/HeyGenTrigger/HeyGenTrigger.node';
import {
	BUILT_IN_EVENT_TYPES,
	EVENTS_SUBTITLE,
	eventTypeDisplayName,
	isFailureEvent,
	toEventTypeOptions,
} from '../../../nodes/shared/eventCatalogue';

describe('eventCatalogue', () => {
	it('holds HeyGen\'s 30 enumerated event types, each once, with a description', () => {
		const names = BUILT_IN_EVENT_TYPES.map((eventType) => eventType.event_type);
		expect(names).toHaveLength(30);
		expect(new Set(names).size).toBe(30);
		expect(names.every((name) => /^[a-z_]+(\.[a-z_]+)*$/.test(name))).toBe(true);
		// One from each end of the schema's 23, and the CLI's extras after them.
		expect(names.slice(0, 2)).toEqual(['avatar_video.success', 'avatar_video.fail']);
		expect(names.indexOf('live_avatar.fail')).toBe(22);
		expect(names.at(-1)).toBe('batch.finished');
		expect(BUILT_IN_EVENT_TYPES.every((eventType) => eventType.description.trim().length > 0)).toBe(true);
	});

	it.each([
		['avatar_video.success', 'Avatar Video Success'],
		['avatar_video_gif.fail', 'Avatar Video GIF Fail'],
		['personalized_video', 'Personalized Video'],
		['ai_clipping.success', 'AI Clipping Success'],
		['video_translate.preflight.validation_failed', 'Video Translate Preflight Validation Failed'],
		['a..b__c', 'A B C'],
	])('displays %s as %s', (eventType, name) => {
		expect(eventTypeDisplayName(eventType)).toBe(name);
	});

	it('builds options sorted by display name, keeping value and description', () => {
		const options = toEventTypeOptions([
			{ event_type: 'video_translate.fail', description: 'd1' },
			{ event_type: 'avatar_video.success', description: 'd2' },
		]);
		expect(options).toEqual([
			{ name: 'Avatar Video Success', value: 'avatar_video.success', description: 'd2' },
			{ name: 'Video Translate Fail', value: 'video_translate.fail', description: 'd1' },
		]);
	});

	it.each([
		['avatar_video.fail', true],
		['video_translate.preflight.download_failed', true],
		['avatar_video.success', false],
		['personalized_video', false],
		['batch.finished', false],
		['failure.success', false],
		['avatar_video.failure', false],
	])('isFailureEvent(%s) = %s', (eventType, expected) => {
		expect(isFailureEvent(eventType)).toBe(expected);
	});
});

describe('the trigger\'s canvas subtitle', () => {
	// The editor evaluates `={{…}}` as JavaScript with `$parameter` in scope.
	const subtitle = (events: string[]) =>
		new Function('$parameter', `return (${EVENTS_SUBTITLE.replace(/^=\{\{/, '').replace(/\}\}$/, '')});`)({ events }) as string;

	it('names the chosen events by their labels, as the Events dropdown does', () => {
		expect(subtitle(['avatar_video.success', 'avatar_video_gif.fail'])).toBe('Avatar Video Success, Avatar Video GIF Fail');
	});

	it('says "All events" when none is chosen', () => {
		expect(subtitle([])).toBe('All events');
	});

	it('labels every event type exactly like eventTypeDisplayName', () => {
		for (const type of BUILT_IN_EVENT_TYPES.map((eventType) => eventType.event_type)) {
			expect(subtitle([type])).toBe(eventTypeDisplayName(type));
		}
	});

	it('is the trigger\'s subtitle', () => {
		expect(new HeyGenTrigger().description.subtitle).toBe(EVENTS_SUBTITLE);
	});
});
