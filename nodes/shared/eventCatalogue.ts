import type { IDisplayOptions, INodeProperties, INodePropertyOptions } from 'n8n-workflow';

/** One HeyGen webhook event type, as `GET /v3/webhooks/event-types` returns it. */
export interface HeyGenEventType {
	event_type: string;
	description: string;
}

/**
 * HeyGen's event types, the one list of them in this repository (the sandbox serves it too): the
 * 23 that the v3 create/update schema enumerates, then the 7 more that HeyGen's CLI enumerates.
 * The node uses it only when the live list cannot be loaded: the live list from HeyGen wins,
 * because new event types appear there first, and the trigger never drops a delivery because its
 * type is missing here.
 */
export const BUILT_IN_EVENT_TYPES: HeyGenEventType[] = [
	{ event_type: 'avatar_video.success', description: 'An avatar video finished rendering' },
	{ event_type: 'avatar_video.fail', description: 'An avatar video failed to render' },
	{ event_type: 'avatar_video_gif.success', description: 'An avatar video GIF is ready' },
	{ event_type: 'avatar_video_gif.fail', description: 'An avatar video GIF failed' },
	{ event_type: 'avatar_video_caption.success', description: 'Captions for an avatar video are ready' },
	{ event_type: 'avatar_video_caption.fail', description: 'Captions for an avatar video failed' },
	{ event_type: 'video_translate.success', description: 'A video translation is ready' },
	{ event_type: 'video_translate.fail', description: 'A video translation failed' },
	{ event_type: 'video_agent.success', description: 'A Video Agent video is ready' },
	{ event_type: 'video_agent.fail', description: 'A Video Agent video failed' },
	{ event_type: 'personalized_video', description: 'A personalized video was generated' },
	{ event_type: 'instant_avatar.success', description: 'An instant avatar is ready' },
	{ event_type: 'instant_avatar.fail', description: 'An instant avatar failed' },
	{ event_type: 'photo_avatar_generation.success', description: 'Photo avatar generation finished' },
	{ event_type: 'photo_avatar_generation.fail', description: 'Photo avatar generation failed' },
	{ event_type: 'photo_avatar_train.success', description: 'Photo avatar training finished' },
	{ event_type: 'photo_avatar_train.fail', description: 'Photo avatar training failed' },
	{ event_type: 'photo_avatar_add_motion.success', description: 'Motion was added to a photo avatar' },
	{ event_type: 'photo_avatar_add_motion.fail', description: 'Adding motion to a photo avatar failed' },
	{ event_type: 'proofread_creation.success', description: 'A proofread was created' },
	{ event_type: 'proofread_creation.fail', description: 'Creating a proofread failed' },
	{ event_type: 'live_avatar.success', description: 'A live avatar session succeeded' },
	{ event_type: 'live_avatar.fail', description: 'A live avatar session failed' },
	// Enumerated by HeyGen's CLI, not by the create/update schema.
	{ event_type: 'video_translate.preflight.validation_failed', description: 'A video translation was rejected by preflight validation' },
	{ event_type: 'video_translate.preflight.download_failed', description: 'The source video of a translation could not be downloaded' },
	{ event_type: 'hyperframes_video.success', description: 'A HyperFrames video finished rendering' },
	{ event_type: 'hyperframes_video.fail', description: 'A HyperFrames video failed to render' },
	{ event_type: 'ai_clipping.success', description: 'AI clipping produced clips' },
	{ event_type: 'ai_clipping.fail', description: 'AI clipping failed' },
	{ event_type: 'batch.finished', description: 'A batch of jobs finished' },
];

const ACRONYMS: Record<string, string> = { gif: 'GIF', ai: 'AI' };

/** `avatar_video.success` → `Avatar Video Success`: what a no-code user sees in the dropdown. */
export function eventTypeDisplayName(eventType: string): string {
	return eventType
		.split(/[._]/)
		.filter((word) => word.length > 0)
		.map((word) => ACRONYMS[word] ?? word.charAt(0).toUpperCase() + word.slice(1))
		.join(' ');
}

/**
 * The trigger's canvas subtitle: the chosen events by label, as in the Events dropdown. The
 * editor evaluates it, so it repeats `eventTypeDisplayName` as an expression (a unit test keeps
 * the two in step).
 */
export const EVENTS_SUBTITLE =
	'={{$parameter["events"].length ? $parameter["events"].map(e => e.split(/[._]/).filter(w => w)' +
	`.map(w => (${JSON.stringify(ACRONYMS)})[w] || w.charAt(0).toUpperCase() + w.slice(1)).join(" "))` +
	'.join(", ") : "All events"}}';

export function toEventTypeOptions(eventTypes: HeyGenEventType[]): INodePropertyOptions[] {
	return eventTypes
		.map((eventType) => ({
			name: eventTypeDisplayName(eventType.event_type),
			value: eventType.event_type,
			description: eventType.description,
		}))
		.sort((a, b) => a.name.localeCompare(b.name));
}

/** `.fail` (and `*_failed`) events carry a failure message; successes do not. */
export function isFailureEvent(eventType: string): boolean {
	return /(\.fail|_failed)$/.test(eventType);
}

/** A multi-select may arrive as an array, or (from an expression or an AI tool) as "a, b" text. */
export function readEventList(value: unknown): string[] {
	const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
	return list.map((event) => String(event).trim()).filter((event) => event !== '');
}

/** The "Event Names or IDs" field of the trigger and of Create and Update, loaded live from HeyGen. */
export function eventsField(what: string, displayOptions?: IDisplayOptions): INodeProperties {
	return {
		displayName: 'Event Names or IDs',
		name: 'events',
		type: 'multiOptions',
		typeOptions: { loadOptionsMethod: 'getEventTypes' },
		default: [],
		description: `${what} Choose from the list, or specify IDs using an <a href="https://docs.n8n.io/code/expressions/">expression</a>`,
		...(displayOptions ? { displayOptions } : {}),
	};
}
