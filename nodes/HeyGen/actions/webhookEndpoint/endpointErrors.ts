import { NodeOperationError, type IExecuteFunctions } from 'n8n-workflow';

import { explainRefusedUrl } from '../../../shared/refusedUrl';
import { asNodeError, HeyGenApiError } from '../../../shared/transport';

/** HeyGen's refusals of a webhook endpoint operation, in the user's terms. */

const ACTION_URL_ADVICE =
	'Use an address HeyGen can reach from the internet, for example the production URL of an n8n Webhook node on a public HTTPS address.';

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

/**
 * An unknown endpoint reads "Webhook endpoint … not found" (HeyGen's words stay in the
 * description); a refused URL gets HeyGen's URL requirements.
 */
export function endpointError(
	this: IExecuteFunctions,
	error: unknown,
	context: { endpointId?: string; url?: string },
) {
	if (error instanceof HeyGenApiError && error.statusCode === 404 && context.endpointId) {
		error.description = [`HeyGen said: ${error.message.replace(/\.$/, '')}.`, error.description].filter(Boolean).join(' ');
		error.message = `Webhook endpoint ${context.endpointId} not found`;
	} else if (context.url) {
		explainRefusedUrl(error, context.url, ACTION_URL_ADVICE);
	}
	return asNodeError(this, error);
}
