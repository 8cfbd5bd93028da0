import { renderStatusPage } from '../../../src/jamf/simulator';
import { defaultStatusMessage } from '../../../src/jamf/simulator/status-page';
import { fixture, statusMessage } from './helpers';

describe('Jamf status pages', () => {
  it('renders 404 byte for byte like Jamf\'s', () => {
    expect(renderStatusPage(404)).toBe(fixture('classic_error_404_not_found.html'));
  });

  it('renders 409 with a message byte for byte like Jamf\'s', () => {
    expect(renderStatusPage(409, 'Error: Not authorized for a user PUT')).toBe(fixture('classic_error_409_conflict.html'));
  });

  it.each([
    [400, 'Bad Request', '#sec10.4.1'],
    [401, 'Unauthorized', '#sec10.4.2'],
    [403, 'Forbidden', '#sec10.4.4'],
    [415, 'Unsupported Media Type', '#sec10.4.16'],
    [500, 'Internal Server Error', '#sec10.5.1'],
    [502, 'Bad Gateway', '#sec10.5.3'],
    [503, 'Service Unavailable', '#sec10.5.4'],
    [504, 'Gateway Timeout', '#sec10.5.5'],
  ])('names status %i "%s" and links its RFC 2616 section', (status, reason, anchor) => {
    const html = renderStatusPage(status);
    expect(html).toContain(`margin: 1em 0px;">${reason}</p>`);
    expect(html).toContain(`rfc2616-sec10.html${anchor}"`);
    expect(statusMessage(html)).toBe(defaultStatusMessage(status));
  });

  it('escapes the message as HTML', () => {
    const html = renderStatusPage(400, 'Error: <script>alert("x") & \'y\'</script>');
    expect(statusMessage(html)).toBe('Error: &lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;');
    expect(html).not.toContain('<script>');
  });
});
