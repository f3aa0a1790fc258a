import { HeyGenApiError } from './transport';

/** HeyGen's requirements for an endpoint URL, said to a user whose URL HeyGen refused. */
export function urlRequirementHint(url: string, advice: string): string {
	const https = url.startsWith('https://');
	return (
		`HeyGen refused the webhook URL ${url}. HeyGen only accepts a publicly reachable HTTPS URL ` +
		'that answers an OPTIONS request within 1 second' +
		(https ? '.' : ', and this one is not HTTPS.') +
		` ${advice}`
	);
}

/**
 * Puts HeyGen's URL requirements in front of a 400 about the URL of an endpoint being created or
 * updated; `advice` is the user's next step. Other errors are left as they are.
 */
export function explainRefusedUrl(error: unknown, url: string, advice: string): void {
	if (
		error instanceof HeyGenApiError &&
		error.statusCode === 400 &&
		(error.heyGenParam === undefined || error.heyGenParam === 'url')
	) {
		error.description = `${urlRequirementHint(url, advice)} ${error.description ?? ''}`.trim();
	}
}
