// HTTP client for tests: a HeyGen-API client (X-Api-Key) that never throws on status codes.
import http from 'node:http';
import axios, { type AxiosInstance } from 'axios';

export function heygen(baseURL: string, apiKey: string | null = 'sandbox-api-key'): AxiosInstance {
	return axios.create({
		baseURL,
		validateStatus: () => true,
		headers: apiKey === null ? {} : { 'X-Api-Key': apiKey },
		httpAgent: new http.Agent({ keepAlive: false }),
		timeout: 10_000,
	});
}

export interface Envelope<T> {
	data: T;
	error: null;
	has_more?: boolean;
	next_token?: string | null;
}

export interface ErrorEnvelope {
	error: { code: string; message: string; param?: string; doc_url: string };
}

/** Either shape, for tests that assert on both success and error answers of one call. */
export interface EitherBody<T> {
	data: T;
	error: ErrorEnvelope['error'];
	has_more?: boolean;
	next_token?: string | null;
}
