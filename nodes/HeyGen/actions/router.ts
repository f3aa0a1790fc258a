import {
	NodeOperationError,
	type IExecuteFunctions,
	type INodeExecutionData,
} from 'n8n-workflow';

import { asNodeError } from '../../shared/transport';
import * as event from './event';
import * as eventType from './eventType';
import { jobResource } from './job';
import * as signature from './webhookSignature';
import * as webhookEndpoint from './webhookEndpoint';

/** The option n8n adds to the Resource and Operation lists of nodes whose credential can sign any request. */
export const CUSTOM_API_CALL = '__CUSTOM_API_CALL__';
export const CUSTOM_API_CALL_MESSAGE = 'Custom API Call runs in n8n\'s HTTP Request node, not in the HeyGen node';
export const CUSTOM_API_CALL_HOW =
	'Add an HTTP Request node, set Authentication to "Predefined Credential Type", Credential Type to "HeyGen API", ' +
	'choose this credential, and call any HeyGen URL (for example https://api.heygen.com/v3/users/me). ' +
	'The key is added for you.';

type Operation = (this: IExecuteFunctions, itemIndex: number) => Promise<INodeExecutionData[]>;

export const video = jobResource('video');
export const videoTranslation = jobResource('videoTranslation');

const resources: Record<string, Record<string, { execute: Operation }>> = {
	event: event.operations,
	eventType: eventType.operations,
	signature: signature.operations,
	video: video.operations,
	videoTranslation: videoTranslation.operations,
	webhookEndpoint: webhookEndpoint.operations,
};

/** Runs the chosen operation once per input item; every output item is paired with its input. */
export async function router(this: IExecuteFunctions): Promise<INodeExecutionData[]> {
	const items = this.getInputData();
	const returnData: INodeExecutionData[] = [];

	for (let itemIndex = 0; itemIndex < items.length; itemIndex++) {
		const pairedItem = { item: itemIndex };
		try {
			const resource = this.getNodeParameter('resource', itemIndex) as string;
			// With n8n's "Custom API Call" chosen as resource there is no operation parameter.
			const operation = this.getNodeParameter('operation', itemIndex, '') as string;
			if (resource === CUSTOM_API_CALL || operation === CUSTOM_API_CALL) {
				throw new NodeOperationError(this.getNode(), CUSTOM_API_CALL_MESSAGE, {
					itemIndex,
					description: CUSTOM_API_CALL_HOW,
				});
			}
			const run = Object.hasOwn(resources, resource) && Object.hasOwn(resources[resource], operation)
				? resources[resource][operation].execute
				: undefined;
			if (!run) {
				throw new NodeOperationError(
					this.getNode(),
					`The operation "${operation}" is not supported for resource "${resource}"`,
					{ itemIndex },
				);
			}
			const results = await run.call(this, itemIndex);
			for (const result of results) returnData.push({ ...result, pairedItem });
		} catch (error) {
			if (this.continueOnFail()) {
				returnData.push({ json: { error: (error as Error).message }, pairedItem });
				continue;
			}
			const nodeError = asNodeError(this, error);
			nodeError.context.itemIndex ??= itemIndex;
			throw nodeError;
		}
	}
	return returnData;
}
