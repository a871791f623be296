import { createHash } from 'node:crypto';
import { RemoteFetchError, type RemoteAnswer, type RemoteDocument, type RemoteFetcher } from '@grantline/lib-fetch';

/**
 * An in-memory fetcher for unit tests: serves the JSON documents it was given by URL, refuses
 * every other URL, and counts fetches so a test can see what a cache saved.
 */
export class MemoryFetcher implements RemoteFetcher {
  private readonly documents = new Map<string, { body: unknown; maxAgeSeconds: number | null }>();
  readonly fetched: string[] = [];
  /** Every form posted, in order. */
  readonly posted: Array<{ url: string; form: Record<string, string> }> = [];
  private readonly receivers = new Map<string, Array<number | 'network'>>();

  serve(url: string, body: unknown, maxAgeSeconds: number | null = null): this {
    this.documents.set(url, { body, maxAgeSeconds });
    return this;
  }

  /**
   * Answers form POSTs to `url` with these statuses in turn (the last one repeats); `network`
   * stands for no answer at all.
   */
  answerPosts(url: string, ...answers: Array<number | 'network'>): this {
    this.receivers.set(url, answers);
    return this;
  }

  postForm(url: string, form: Readonly<Record<string, string>>): Promise<RemoteAnswer> {
    this.posted.push({ url, form: { ...form } });
    const answers = this.receivers.get(url);
    if (!answers || answers.length === 0)
      return Promise.reject(new RemoteFetchError('network', `${url} is not served`));
    const answer = answers.length > 1 ? answers.shift() : answers[0];
    if (answer === 'network' || answer === undefined) {
      return Promise.reject(new RemoteFetchError('network', `${url} did not answer`));
    }
    return Promise.resolve({ status: answer });
  }

  forget(url: string): void {
    this.documents.delete(url);
  }

  fetchJson(url: string): Promise<RemoteDocument> {
    this.fetched.push(url);
    const document = this.documents.get(url);
    if (!document) return Promise.reject(new RemoteFetchError('http-status', `${url} answered 404`));
    const bytes = JSON.stringify(document.body);
    return Promise.resolve({
      url,
      body: JSON.parse(bytes) as unknown,
      sha256: createHash('sha256').update(bytes).digest('base64url'),
      maxAgeSeconds: document.maxAgeSeconds,
    });
  }
}
