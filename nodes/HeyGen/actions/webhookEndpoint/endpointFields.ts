import type { IDataObject, IDisplayOptions, IExecuteFunctions, INodeProperties } from 'n8n-workflow';
import { NodeOperationError } from 'n8n-workflow';

import { urlRequirementHint } from '../../../shared/endpointLifecycle';
import { asNodeError, HeyGenApiError } from '../../../shared/transport';

/** The fields and error wording shared by the webhook endpoint operations. */

export function endpointIdField(displayOptions: IDisplayOptions): INodeProperties {
	return {
		displayName: 'Webhook Endpoint',
		name: 'endpointId',
		type: 'resourceLocator',
		default: { mode: 'list', value: '' },
		required: true,
		description: 'The HeyGen webhook endpoint to work on',
		displayOptions,
		modes: [
			{
				displayName: 'From List',
				name: 'list',
				type: 'list',
				placeholder: 'Select a webhook endpoint...',
				typeOptions: { searchListMethod: 'searchWebhookEndpoints', searchable: true },
			},
			{
				displayName: 'By ID',
				name: 'id',
				type: 'string',
				placeholder: 'e.g. ep_abc123',
			},
		],
	};
}

export function readEndpointId(this: IExecuteFunctions, itemIndex: number): string {
	const value = this.getNodeParameter('endpointId', itemIndex, undefined, { extractValue: true });
	const endpointId = String(value ?? '').trim();
	if (!endpointId) {
		throw new NodeOperationError(this.getNode(), 'Choose a webhook endpoint, or enter its ID', {
			itemIndex,
		});
	}
	return endpointId;
}

/** A multi-select may arrive as an array, or (from an expression or an AI tool) as "a, b" text. */
export function readEventList(value: unknown): string[] {
	const list = Array.isArray(value) ? value : typeof value === 'string' ? value.split(',') : [];
	return list.map((event) => String(event).trim()).filter((event) => event !== '');
}

export function readUrl(this: IExecuteFunctions, value: unknown, itemIndex: number): string {
	const url = String(value ?? '').trim();
	if (!url) {
		throw new NodeOperationError(this.getNode(), 'Enter the URL HeyGen should send events to', {
			itemIndex,
		});
	}
	return url;
}

export function endpointNotFound(
	this: IExecuteFunctions,
	endpointId: string,
	itemIndex: number,
): NodeOperationError {
	return new NodeOperationError(this.getNode(), `Webhook endpoint ${endpointId} not found`, {
		itemIndex,
		description:
			'HeyGen has no webhook endpoint with this ID in this account. It may have been deleted; pick it from the list, or check the ID.',
	});
}

const ACTION_URL_ADVICE =
	'Use an address HeyGen can reach from the internet, for example the production URL of an n8n Webhook node on a public HTTPS address.';

/**
 * Puts HeyGen's refusal in the user's terms: an unknown endpoint reads "Webhook endpoint … not
 * found" (HeyGen's code stays in the description), a refused URL gets HeyGen's URL requirements.
 */
export function endpointError(
	this: IExecuteFunctions,
	error: unknown,
	context: { endpointId?: string; url?: string },
) {
	if (error instanceof HeyGenApiError) {
		if (error.statusCode === 404 && context.endpointId) {
			error.description = [`HeyGen said: ${error.message.replace(/\.$/, "")}.`, error.description].filter(Boolean).join(' ');
			error.message = `Webhook endpoint ${context.endpointId} not found`;
		} else if (
			error.statusCode === 400 &&
			context.url &&
			(error.heyGenParam === undefined || error.heyGenParam === 'url')
		) {
			error.description = `${urlRequirementHint(context.url, ACTION_URL_ADVICE)} ${error.description ?? ''}`.trim();
		}
	}
	return asNodeError(this, error);
}

export const SECRET_WITHHELD =
	'Withheld: signing secrets are not given to AI agents (n8n passes tool output to the model and its logs). Rotate the secret with the HeyGen node in a regular workflow step to obtain it.';

/**
 * An endpoint (or rotation result) as the node outputs it. As an AI tool the node keeps the
 * signing secret out of the output: it would go to the language model and into n8n's event log.
 */
export function withSecretForOutput(this: IExecuteFunctions, result: IDataObject): IDataObject {
	if (typeof result.secret !== 'string' || !this.getNode().type.endsWith('Tool')) return result;
	return { ...result, secret: SECRET_WITHHELD };
}
