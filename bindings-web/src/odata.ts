// OData query options, with literals escaped so user input never changes a filter's meaning.

import { check } from './errors.js';

/** A filter built by {@link odata}: sent as written. */
export class Filter {
  constructor(readonly expression: string) {}
  toString(): string { return this.expression; }
}

/** Query options of a collection (DESIGN §2.3). */
export interface QueryOptions {
  /** An {@link odata} filter, or a string sent as-is. */
  filter?: Filter | string;
  orderby?: string | string[];
  select?: string[];
  top?: number;
  skip?: number;
  count?: boolean;
  search?: string;
}

/** An OData literal: strings quoted with `''` escaping, dates as RFC 3339, `null`. */
export function literal(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return `'${v.replaceAll("'", "''")}'`;
  if (typeof v === 'boolean') return String(v);
  if (typeof v === 'number') {
    check(Number.isFinite(v), 'filter', 'numbers must be finite');
    return String(v);
  }
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v)) return `(${v.map(literal).join(',')})`;
  throw new TypeError(`no OData literal for ${typeof v}`);
}

/**
 * A filter with escaped values: `odata\`displayName eq ${name} and isFriend eq ${true}\``.
 * Arrays become `in` lists: `odata\`id in ${ids}\``.
 */
export function odata(parts: TemplateStringsArray, ...values: unknown[]): Filter {
  return new Filter(parts.reduce((out, p, i) => out + literal(values[i - 1]) + p));
}

/** The query string (`$filter=...&$top=...`) of these options. */
export function queryString(q: QueryOptions = {}): string {
  const p = new URLSearchParams();
  if (q.filter !== undefined) p.set('$filter', String(q.filter));
  if (q.orderby !== undefined) p.set('$orderby', [q.orderby].flat().join(','));
  if (q.select) p.set('$select', q.select.join(','));
  for (const k of ['top', 'skip'] as const) {
    const n = q[k];
    if (n === undefined) continue;
    check(Number.isInteger(n) && n >= 0, k, 'must be a non-negative integer');
    p.set(`$${k}`, String(n));
  }
  if (q.count) p.set('$count', 'true');
  if (q.search) p.set('$search', q.search);
  const s = p.toString();
  return s ? `?${s}` : '';
}
