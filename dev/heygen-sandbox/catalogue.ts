// Realistic sample `event_data` per event type, for the event types of the package's catalogue.
// Shapes follow the "Known event_data shapes" of HeyGen's webhook docs; undocumented families get a
// plausible id plus `callback_id` (HeyGen's own docs do not pin them down).
import { randomBytes } from 'node:crypto';
import { hex32 } from './ids';

const FILES = 'https://files2.heygen.ai/aws_pacific/avatar_tmp';

/** A presigned-looking file URL (a week's expiry), as HeyGen hands out finished files. */
export function signedUrl(path: string): string {
	const expires = Math.floor(Date.now() / 1000) + 7 * 24 * 3600;
	return `${FILES}/${path}?Expires=${expires}&Signature=${randomBytes(12).toString('hex')}`;
}

/** The files of one finished video, as `avatar_video.success` names them. */
export function videoFiles(videoId: string, owner: string): Record<'url' | 'gif_download_url' | 'video_share_page_url', string> {
	return {
		url: signedUrl(`${owner}/${videoId}.mp4`),
		gif_download_url: signedUrl(`${owner}/${videoId}.gif`),
		video_share_page_url: `https://app.heygen.com/video/${videoId}`,
	};
}

function avatarVideoSuccess(): Record<string, unknown> {
	const videoId = hex32();
	return { video_id: videoId, ...videoFiles(videoId, hex32()), folder_id: hex32() };
}

function failMsg(family: string): string {
	return `${family} failed: the job could not be completed (sandbox sample error)`;
}

/** Family (text before the first '.') → sample generator for success / fail. */
function sampleFor(eventType: string): Record<string, unknown> {
	const isFail = eventType.endsWith('.fail') || eventType.includes('.preflight.');
	const family = eventType.split('.')[0];
	switch (family) {
		case 'avatar_video':
		case 'avatar_video_gif':
		case 'avatar_video_caption':
			return isFail ? { video_id: hex32(), msg: failMsg(family) } : avatarVideoSuccess();
		case 'video_agent': {
			const base = isFail ? { video_id: hex32(), msg: failMsg(family) } : avatarVideoSuccess();
			return { ...base, callback_url: null };
		}
		case 'video_translate': {
			const id = hex32();
			if (eventType === 'video_translate.success') {
				return {
					video_translate_id: id,
					url: signedUrl(`${hex32()}/${id}.mp4`),
					output_language: 'Spanish',
				};
			}
			const message = eventType.endsWith('download_failed')
				? 'The source video could not be downloaded'
				: eventType.endsWith('validation_failed')
					? 'The source video failed preflight validation'
					: failMsg(family);
			return { video_translate_id: id, message, output_language: 'Spanish' };
		}
		case 'personalized_video': {
			const projectId = hex32();
			const videoId = hex32();
			const gifUrl = signedUrl(`${projectId}/${videoId}.gif`);
			const landing = `https://app.heygen.com/personalized/${projectId}/${videoId}`;
			return {
				project_id: projectId,
				video_id: videoId,
				video_url: signedUrl(`${projectId}/${videoId}.mp4`),
				landing_page_url: landing,
				gif_url: gifUrl,
				gif_html: `<a href="${landing}"><img src="${gifUrl}" alt="video"/></a>`,
				contact_info: { first_name: 'Ada', last_name: 'Lovelace', email: 'ada@example.com' },
			};
		}
		case 'instant_avatar':
		case 'live_avatar':
			return isFail ? { avatar_id: hex32(), msg: failMsg(family) } : { avatar_id: hex32() };
		case 'photo_avatar_generation':
			return isFail
				? { generation_id: hex32(), msg: failMsg(family) }
				: { generation_id: hex32(), image_key_list: [`image/${hex32()}/original.png`] };
		case 'photo_avatar_train':
			return isFail ? { group_id: hex32(), msg: failMsg(family) } : { group_id: hex32() };
		case 'photo_avatar_add_motion':
			return isFail ? { id: hex32(), msg: failMsg(family) } : { id: hex32() };
		case 'proofread_creation':
			return isFail ? { proofread_id: hex32(), msg: failMsg(family) } : { proofread_id: hex32() };
		case 'hyperframes_video':
			return isFail
				? { video_id: hex32(), msg: failMsg(family) }
				: { video_id: hex32(), url: signedUrl(`${hex32()}/${hex32()}.mp4`) };
		case 'ai_clipping':
			return isFail
				? { project_id: hex32(), msg: failMsg(family) }
				: { project_id: hex32(), clip_ids: [hex32(), hex32()] };
		case 'batch':
			return { batch_id: hex32(), total: 3, succeeded: 2, failed: 1 };
		default:
			// Unknown (e.g. added at run time): clients must pass these through untouched.
			return { id: hex32() };
	}
}

/**
 * A realistic `event_data` for the type: generated sample, then `callback_id` (null when not
 * given, as HeyGen echoes the caller's value), then the caller's overrides on top.
 */
export function sampleEventData(
	eventType: string,
	callbackId: string | null,
	overrides: Record<string, unknown> = {},
): Record<string, unknown> {
	const sample = sampleFor(eventType);
	const withCallback =
		eventType === 'personalized_video' && callbackId === null ? sample : { ...sample, callback_id: callbackId };
	return { ...withCallback, ...overrides };
}
