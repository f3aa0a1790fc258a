import type { IDataObject, IExecuteFunctions } from 'n8n-workflow';

/**
 * As an AI agent's tool the node keeps signing secrets out of its output: n8n passes tool output
 * to the language model and into its event log.
 */

export const SECRET_WITHHELD =
	'Withheld: signing secrets are not given to AI agents (n8n passes tool output to the model and its logs). Rotate the secret with the HeyGen node in a regular workflow step to obtain it.';

/** An endpoint (or rotation result) as the node outputs it. */
export function withSecretForOutput(this: IExecuteFunctions, result: IDataObject): IDataObject {
	if (typeof result.secret !== 'string' || !this.getNode().type.endsWith('Tool')) return result;
	return { ...result, secret: SECRET_WITHHELD };
}
