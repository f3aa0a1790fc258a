import { HeyGenTrigger } from '../../../nodes/HeyGenTrigger/HeyGenTrigger.node';
import {
	BUILT_IN_EVENT_TYPES,
	EVENTS_SUBTITLE,
	eventTypeDisplayName,
	isFailureEvent,
	toEventTypeOptions,
} from '../../../nodes/shared/eventCatalogue';

describe('eventCatalogue', () => {
	it('holds the 23 event types the v3 create schema enumerates, each once, with a description', () => {
		const names = BUILT_IN_EVENT_TYPES.map((eventType) => eventType.event_type);
		expect(names).toHaveLength(23);
		expect(new Set(names).size).toBe(23);
		expect(names).toEqual(
			expect.arrayContaining([
				'avatar_video.success',
				'avatar_video.fail',
				'avatar_video_gif.success',
				'avatar_video_gif.fail',
				'avatar_video_caption.success',
				'avatar_video_caption.fail',
				'video_translate.success',
				'video_translate.fail',
				'video_agent.success',
				'video_agent.fail',
				'personalized_video',
				'instant_avatar.success',
				'instant_avatar.fail',
				'photo_avatar_generation.success',
				'photo_avatar_generation.fail',
				'photo_avatar_train.success',
				'photo_avatar_train.fail',
				'photo_avatar_add_motion.success',
				'photo_avatar_add_motion.fail',
				'proofread_creation.success',
				'proofread_creation.fail',
				'live_avatar.success',
				'live_avatar.fail',
			]),
		);
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
		for (const type of [...BUILT_IN_EVENT_TYPES.map((eventType) => eventType.event_type), 'ai_clipping.success', 'video_translate.preflight.download_failed']) {
			expect(subtitle([type])).toBe(eventTypeDisplayName(type));
		}
	});

	it('is the trigger\'s subtitle', () => {
		expect(new HeyGenTrigger().description.subtitle).toBe(EVENTS_SUBTITLE);
	});
});
