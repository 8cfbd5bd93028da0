import { STATUS_CODES } from 'node:http';

/**
 * Jamf's Classic API error bodies: the "Status page" of its REST framework, whatever `Accept` says.
 * Reason phrase, a message, and a link to the status code's section of RFC 2616.
 */
interface StatusDescription {
  message: string;
  /** Section of RFC 2616 describing the status, e.g. `10.4.5` for 404. */
  section?: string;
}

const DESCRIPTIONS: Readonly<Record<number, StatusDescription>> = {
  400: { section: '10.4.1', message: 'The request could not be understood by the server due to malformed syntax' },
  401: { section: '10.4.2', message: 'The request requires user authentication' },
  403: { section: '10.4.4', message: 'The server understood the request, but is refusing to fulfill it' },
  404: { section: '10.4.5', message: 'The server has not found anything matching the request URI' },
  405: { section: '10.4.6', message: 'The method specified in the request is not allowed for the resource identified by the request URI' },
  409: { section: '10.4.10', message: 'The request could not be completed due to a conflict with the current state of the resource' },
  413: { section: '10.4.14', message: 'The server is refusing to process a request because the request entity is larger than the server is willing or able to process' },
  415: { section: '10.4.16', message: 'The server is refusing to service the request because the entity of the request is in a format not supported by the requested resource for the requested method' },
  429: { message: 'The user has sent too many requests in a given amount of time' },
  500: { section: '10.5.1', message: 'The server encountered an unexpected condition which prevented it from fulfilling the request' },
  502: { section: '10.5.3', message: 'The server, while acting as a gateway or proxy, received an invalid response from the upstream server it accessed in attempting to fulfill the request' },
  503: { section: '10.5.4', message: 'The server is currently unable to handle the request due to a temporary overloading or maintenance of the server' },
  504: { section: '10.5.5', message: 'The server, while acting as a gateway or proxy, did not receive a timely response from the upstream server' },
};

const HTML_SPECIALS = /[&<>"']/g;
const HTML_ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(text: string): string {
  return text.replace(HTML_SPECIALS, (c) => HTML_ESCAPES[c] as string);
}

/** The `Content-Type` Jamf sends with a status page. */
export const STATUS_PAGE_CONTENT_TYPE = 'text/html;charset=UTF-8';

/** The standard message for `status` (`The server has not found anything matching the request URI` for 404). */
export function defaultStatusMessage(status: number): string {
  return DESCRIPTIONS[status]?.message ?? STATUS_CODES[status] ?? 'Unknown status';
}

/**
 * Renders the status page for `status`, byte for byte in the shape of Jamf's (see
 * `test/fixtures/jamf/classic_error_404_not_found.html`). The message is HTML-escaped.
 */
export function renderStatusPage(status: number, message: string = defaultStatusMessage(status)): string {
  const reason = STATUS_CODES[status] ?? 'Unknown';
  const section = DESCRIPTIONS[status]?.section;
  const link = section === undefined
    ? (status === 429 ? 'https://tools.ietf.org/html/rfc6585#section-4' : 'http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html')
    : `http://www.w3.org/Protocols/rfc2616/rfc2616-sec10.html#sec${section}`;
  return `<html>
<head>
   <title>Status page</title>
</head>
<body style="font-family: sans-serif;">
<p style="font-size: 1.2em;font-weight: bold;margin: 1em 0px;">${escapeHtml(reason)}</p>
<p>${escapeHtml(message)}</p>
<p>You can get technical details <a href="${link}">here</a>.<br>
Please continue your visit at our <a href="/">home page</a>.
</p>
</body>
</html>
`;
}
