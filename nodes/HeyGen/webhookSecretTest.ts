import type { ICredentialsDecrypted, ICredentialTestFunctions, INodeCredentialTestResult } from 'n8n-workflow';

/**
 * The "HeyGen Webhook Signing Secret API" credential's Test button. HeyGen offers no call that checks
 * a secret (its lists return `secret: null`), so the test checks what can be checked: the secret is
 * there, whole, and has no spaces that a copy and paste would have added.
 */

export const WEBHOOK_SECRET_TEST_NAME = 'heyGenWebhookSecretTest';

export async function testWebhookSecret(
	this: ICredentialTestFunctions,
	credential: ICredentialsDecrypted,
): Promise<INodeCredentialTestResult> {
	const secret = credential.data?.secret;
	if (typeof secret !== 'string' || secret === '') {
		return { status: 'Error', message: 'The Signing Secret is empty. Copy it from the output of the HeyGen node\'s Create or Rotate Secret.' };
	}
	if (/\s/.test(secret)) {
		return { status: 'Error', message: 'The Signing Secret contains spaces or line breaks: paste it exactly as HeyGen returned it.' };
	}
	return {
		status: 'OK',
		message: 'The secret is well-formed. HeyGen cannot confirm which endpoint it belongs to: a delivery signed with it will.',
	};
}
