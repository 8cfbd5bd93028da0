import { fixture } from '../../helpers/fixtures';
import { parseStatusPage } from '../../../src/jamf/connector/status-page';
import { renderStatusPage } from '../../../src/jamf/simulator';


describe('parseStatusPage', () => {
  it.each([
    ['classic_error_409_conflict.html', { reason: 'Conflict', message: 'Error: Not authorized for a user PUT' }],
    ['classic_error_404_not_found.html', { reason: 'Not Found', message: 'The server has not found anything matching the request URI' }],
  ])('reads the reason and message of Jamf\'s %s', (name, want) => {
    expect(parseStatusPage(fixture(name))).toEqual(want);
  });

  it('reads the pages the simulator renders, entities decoded', () => {
    expect(parseStatusPage(renderStatusPage(409, "Error: Duplicate name 'A&B' <x>"))).toEqual({ reason: 'Conflict', message: "Error: Duplicate name 'A&B' <x>" });
    expect(parseStatusPage(renderStatusPage(401, 'The request requires user authentication (INVALID_TOKEN)')))
      .toEqual({ reason: 'Unauthorized', message: 'The request requires user authentication (INVALID_TOKEN)' });
  });

  it('decodes numeric references, keeps unknown or impossible ones as written', () => {
    const page = '<p>Bad</p><p>caf&#233; &#x2014; &#39;q&#39; &bogus; &#99999999; a&nbsp;b</p>';
    expect(parseStatusPage(page)).toEqual({ reason: 'Bad', message: "café — 'q' &bogus; &#99999999; a b" });
  });

  it('strips inner markup and folds white space', () => {
    expect(parseStatusPage('<P class="x">Conflict</P>\n<p>Error:\n  <b>Duplicate</b>   name</p>')).toEqual({ reason: 'Conflict', message: 'Error: Duplicate name' });
  });

  it('answers what it finds in bodies that are not a status page', () => {
    expect(parseStatusPage('')).toEqual({});
    expect(parseStatusPage('{"httpStatus":500}')).toEqual({});
    expect(parseStatusPage('<html><p>Only a reason</p></html>')).toEqual({ reason: 'Only a reason' });
    expect(parseStatusPage('<p></p><p>  </p><p>Reason</p><p>Message</p>')).toEqual({ reason: 'Reason', message: 'Message' });
  });
});
