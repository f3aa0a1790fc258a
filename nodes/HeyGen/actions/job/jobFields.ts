import { NodeOperationError, type IExecuteFunctions, type INodeProperties } from 'n8n-workflow';

import { isHeyGenId } from '../../../shared/heyGenId';
import { JOBS, type JobKind } from '../../../shared/jobApi';
import { asNodeError, HeyGenApiError } from '../../../shared/transport';

/** The job-id field of the Video and Video Translation resources, and what goes with it. */

export const jobIdParameter = (kind: JobKind) => (kind === 'video' ? 'videoId' : 'videoTranslationId');

export function jobIdField(kind: JobKind): INodeProperties {
	const { name } = JOBS[kind];
	return {
		displayName: kind === 'video' ? 'Video ID' : 'Video Translation ID',
		name: jobIdParameter(kind),
		type: 'string',
		required: true,
		default: '',
		placeholder: 'e.g. 0123456789abcdef0123456789abcdef',
		description:
			kind === 'video'
				? 'The video_id HeyGen answered when the video was created (POST /v3/videos)'
				: 'One of the video_translation_ids HeyGen answered when the translation was created',
		hint: `The ${name} to read. Map it from the step that created the job.`,
		displayOptions: { show: { resource: [kind] } },
	};
}

export function readJobId(this: IExecuteFunctions, kind: JobKind, itemIndex: number): string {
	const id = String(this.getNodeParameter(jobIdParameter(kind), itemIndex, '') ?? '').trim();
	const { name } = JOBS[kind];
	if (!isHeyGenId(id)) {
		throw new NodeOperationError(this.getNode(), id ? `"${id}" is not a HeyGen ${name} ID` : `Enter the ${name} ID`, {
			itemIndex,
			description: `Map the ID HeyGen answered when the ${name} was created.`,
		});
	}
	return id;
}

/** HeyGen's 404 as "Video … not found", HeyGen's words kept in the description. */
export function jobNotFound(this: IExecuteFunctions, error: unknown, kind: JobKind, id: string, itemIndex: number) {
	if (error instanceof HeyGenApiError && error.statusCode === 404) {
		const { name } = JOBS[kind];
		return new NodeOperationError(this.getNode(), `${name.charAt(0).toUpperCase()}${name.slice(1)} ${id} not found`, {
			itemIndex,
			description: `HeyGen said: ${error.message}. Check the ID, and that the credential belongs to the account that created the ${name}.`,
		});
	}
	return asNodeError(this, error);
}
