/**
 * The shape of HeyGen's ids as documented (`ep_abc123`) and as seen (32 hex characters): letters,
 * digits, `_` and `-`. An id is checked before it becomes part of a URL, so that anything else
 * (`..`, `/`, `?`, from a user or an AI agent) cannot turn into another path.
 */
export const HEYGEN_ID_PATTERN = '^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$';

export function isHeyGenId(value: string): boolean {
	return new RegExp(HEYGEN_ID_PATTERN).test(value);
}

/** `/base/<id>`, or an error naming what is not an id. */
export function idPath(base: string, id: string, what: string): string {
	if (!isHeyGenId(id)) throw new Error(`"${id}" is not a HeyGen ${what} ID`);
	return `${base}/${id}`;
}
