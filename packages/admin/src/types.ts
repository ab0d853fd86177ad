/** A request as the adapters hand it to the admin page, whatever the framework. */
export interface AdminRequest {
  /** `GET`, `POST`... (HEAD is answered as GET). */
  method: string;
  /** The path below the mount point, still percent-encoded, starting with `/`. */
  path: string;
  /** Where the page is mounted, as the browser sees it (`/flags`; `''` at the root). */
  base: string;
  /** The query string. */
  query: URLSearchParams;
  /** The headers the page reads. */
  headers: { origin?: string; referer?: string; contentType?: string };
  /**
   * `scheme://host` the request was addressed to, as the app sees it: behind
   * a proxy the app trusts (Express `trust proxy`, Koa `app.proxy`), from
   * `X-Forwarded-Proto` and `X-Forwarded-Host`; otherwise from the socket and `Host`.
   */
  origin: string;
  /** Reads the body as a form (only called for writes). */
  readForm(): Promise<URLSearchParams>;
}

/** What the adapters send back. */
export interface AdminResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}
