import { pipeline } from 'node:stream';
import type { RequestHandler } from 'express';
import type { operations } from '../../../generated/mdm-users';
import { toJamfUserXml } from '../../jamf/mapping/to-jamf';
import { toNormalizedUser, toUnifiedUser, withoutFields } from '../../jamf/mapping/from-jamf';
import { remoteQueryString } from '../../jamf/mapping/remote-query';
import type { AccountLocals } from '../middleware/account';
import type { QueryLocals } from '../middleware/query';

type Operation = operations['updateMdmUser'];
type Query = Operation['parameters']['query'];
type Body = Operation['requestBody']['content']['application/json'];

/** The media type of `truto_response_format=raw`: Jamf's JSON, unmapped. */
const RAW_MEDIA_TYPE = 'application/vnd.mdm-users.raw+json';

/**
 * `PATCH /unified/mdm/users/{id}`: maps the unified body to Jamf's `<user>` XML, writes it and reads the
 * user back through the connector of the account the account step found, and answers in the asked format. Runs after validation,
 * so parameters and body have the spec's types; `remote_query` goes to Jamf as the query step read it (the
 * pairs validation checked, never a second parse of the URL); every failure goes to the error handler.
 */
export function updateUserHandler(): RequestHandler {
  return async (req, res) => {
    const query = req.query as unknown as Query;
    const body = req.body as Body;
    const id = String(req.params.id);
    const { account, remoteQuery: remotePairs = [] } = res.locals as AccountLocals & Partial<QueryLocals>;
    const xml = toJamfUserXml(body, id);
    const remoteQuery = remoteQueryString(remotePairs);
    const format = query.truto_response_format ?? 'unified';

    if (format === 'stream') {
      const upstream = await account.connector.updateUserStream(id, xml, remoteQuery);
      res.status(200).setHeader('content-type', upstream.contentType);
      pipeline(upstream.body, res, (err) => {
        if (err) req.log.warn({ err: { message: err.message } }, 'stream from Jamf ended early');
      });
      return;
    }

    const jamf = await account.connector.updateUser(id, xml, remoteQuery);
    if (format === 'raw') {
      res.status(200).type(RAW_MEDIA_TYPE).json(jamf);
      return;
    }
    const user = format === 'normalized' ? toNormalizedUser(jamf.user) : toUnifiedUser(jamf.user);
    res.status(200).json(withoutFields(user, query.truto_exclude_fields, query.truto_ignore_remote_data));
  };
}
