// What a browser does on the sandbox's consent page, for tests without one: load the page, submit
// its form with Approve or Deny, and hand back where the sandbox redirects to.
import http from 'node:http';
import axios from 'axios';

export interface ConsentOutcome {
	/** Status of the consent page itself (400 for an unknown client or redirect URL). */
	pageStatus: number;
	/** The page's HTML: the consent form, or the error the sandbox shows instead of redirecting. */
	page: string;
	/** The redirect after the decision (n8n's callback URL with code or error), if there was one. */
	location?: string;
	/** Where the first request already redirected (faults in the request go back to the client). */
	immediateLocation?: string;
}

const client = () =>
	axios.create({ validateStatus: () => true, maxRedirects: 0, httpAgent: new http.Agent({ keepAlive: false }), timeout: 10_000 });

/** The hidden fields of the consent form. */
export function consentFields(html: string): Record<string, string> {
	const fields: Record<string, string> = {};
	for (const match of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) {
		fields[match[1]] = match[2]
			.replace(/&quot;/g, '"')
			.replace(/&#39;/g, "'")
			.replace(/&lt;/g, '<')
			.replace(/&gt;/g, '>')
			.replace(/&amp;/g, '&');
	}
	return fields;
}

export async function consent(authorizeUrl: string, decision: 'approve' | 'deny'): Promise<ConsentOutcome> {
	const pageAnswer = await client().get<string>(authorizeUrl, { responseType: 'text' });
	const page = String(pageAnswer.data);
	if (pageAnswer.status === 302) {
		return { pageStatus: 302, page, immediateLocation: String(pageAnswer.headers.location) };
	}
	if (pageAnswer.status !== 200) return { pageStatus: pageAnswer.status, page };
	const form = new URLSearchParams({ ...consentFields(page), decision });
	const action = new URL('/oauth/authorize', authorizeUrl).toString();
	const answer = await client().post(action, form.toString(), {
		headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
	});
	return { pageStatus: 200, page, location: answer.headers.location ? String(answer.headers.location) : undefined };
}
