/** The state of one registered URL, as returned by `AutoRefresh.snapshot()`. Times are clock ms. */
export interface RefreshTargetSnapshot {
  /** The normalised URL. */
  readonly url: string;
  /** When the cached value was last replaced by a successful response, if ever. */
  readonly lastRefresh: number | undefined;
  /** When the next background refresh is due, if one is scheduled. */
  readonly nextRefresh: number | undefined;
  /** When the last request (successful or not) started, if any. */
  readonly lastRequest: number | undefined;
  /** The last request's error, or `undefined` after a success. */
  readonly lastError: Error | undefined;
  /** A value is cached. */
  readonly hasValue: boolean;
  /** A value is cached and its freshness lifetime has not run out. */
  readonly fresh: boolean;
  /** A request is in flight. */
  readonly reloading: boolean;
  /** A new request now would come sooner than the minimum interval after the last one. */
  readonly coolingDown: boolean;
}
