// Collections: pages that follow `@odata.nextLink`, and the items as an async iterable.

/** One page of a collection. */
export interface Page<T> {
  items: T[];
  /** The next page's URL; `null` on the last page. Store it to resume later. */
  nextLink: string | null;
  /** `@odata.count`, with `count: true`. */
  count: number | null;
}

/** A collection from a first URL: `for await (const item of paged)`, or page by page. */
export class Paged<T> implements AsyncIterable<T> {
  constructor(
    private readonly get: (url: string) => Promise<any>,
    private readonly url: string,
  ) {}

  /** The first page only. */
  async page(): Promise<Page<T>> {
    const body = await this.get(this.url);
    return {
      items: body?.value ?? [],
      nextLink: body?.['@odata.nextLink'] ?? null,
      count: body?.['@odata.count'] ?? null,
    };
  }

  /** Every page, in order. */
  async *pages(): AsyncGenerator<Page<T>> {
    let next: string | null = this.url;
    while (next) {
      const page: Page<T> = await new Paged<T>(this.get, next).page();
      yield page;
      next = page.nextLink;
    }
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for await (const page of this.pages()) yield* page.items;
  }

  /** Up to `limit` items (all by default). */
  async toArray(limit = Infinity): Promise<T[]> {
    const out: T[] = [];
    for await (const item of this) {
      if (out.length >= limit) break;
      out.push(item);
    }
    return out;
  }
}
