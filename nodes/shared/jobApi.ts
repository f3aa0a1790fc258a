import type { IDataObject } from 'n8n-workflow';

import { idPath } from './heyGenId';
import { heyGenApiRequest, type HeyGenContext, type HeyGenRequest } from './transport';

/**
 * HeyGen's jobs as its API reports them: a video (avatar, studio, Video Agent…) or a video
 * translation. The action node reads and waits for them; the trigger asks them whether a per-job
 * callback (which HeyGen does not sign) tells the truth.
 */

export type JobKind = 'video' | 'videoTranslation';

export const JOBS: Record<JobKind, { path: string; name: string; idField: string; family: string }> = {
	video: { path: '/v3/videos', name: 'video', idField: 'video_id', family: 'avatar_video' },
	// Events name a translation `video_translate_id`; the API answers `video_translation_id`.
	videoTranslation: {
		path: '/v3/video-translations',
		name: 'video translation',
		idField: 'video_translate_id',
		family: 'video_translate',
	},
};

export type JobOutcome = 'success' | 'fail';

/** HeyGen's two terminal words; every other status (waiting, pending, processing, running…) is still running. */
export function jobOutcome(status: unknown): JobOutcome | undefined {
	if (status === 'completed') return 'success';
	if (status === 'failed') return 'fail';
	return undefined;
}

/** `GET /v3/videos/{id}` or `GET /v3/video-translations/{id}`: the job's `data`. */
export async function getJob(
	this: HeyGenContext,
	kind: JobKind,
	id: string,
	request: Pick<HeyGenRequest, 'itemIndex' | 'attempts' | 'timeoutMs'> = {},
): Promise<IDataObject> {
	const { path, name } = JOBS[kind];
	const page = await heyGenApiRequest.call(this, { method: 'GET', path: idPath(path, id, name), ...request });
	return (page.data ?? {}) as IDataObject;
}

/** The job an event is about, when it ends one (`<family>.success` / `.fail` naming a job id). */
export interface JobEvent {
	/** `avatar_video`, `video_agent`, `avatar_video_gif`…: one outcome per family and job. */
	family: string;
	id: string;
	/** Set when the trigger can ask HeyGen's API about it. */
	kind?: JobKind;
}

/** The job an event ends (`<family>.success` / `.fail` naming a job id), if any. */
export function jobEventOf(eventType: string, data: IDataObject): JobEvent | undefined {
	const family = /^([a-z_]+)\.(success|fail)$/.exec(eventType)?.[1];
	return family === undefined ? undefined : jobOf(family, data);
}

/** The job a family of events names in `data`; `kind` only for the families the API can confirm. */
export function jobOf(family: string, data: IDataObject): JobEvent | undefined {
	const kind: JobKind | undefined =
		family === 'video_translate' ? 'videoTranslation' : family === 'avatar_video' || family === 'video_agent' ? 'video' : undefined;
	// A callback's envelope is not documented for every job: the API's name for the id is read too.
	const id = [data[JOBS[kind ?? 'video'].idField], kind === 'videoTranslation' ? data.video_translation_id : undefined].find(
		(value): value is string => typeof value === 'string' && value !== '',
	);
	return id === undefined ? undefined : { family, id, kind };
}
