// Preflight reads of the tenant: is the requestor's UPN domain one of its verified domains?

import type { Client } from '@microsoft/microsoft-graph-client';
import { ApplicationFailure } from '@temporalio/common';
import { upnDomain } from '../common/defaults.js';
import { FailureType } from '../common/failure-types.js';
import { graphCall, graphCallOrNotFound, notFound, type GraphList } from './graph-call.js';

interface DomainRecord {
  id: string;
  isVerified: boolean;
}

export function directoryActivities(graph: Client) {
  return {
    /** GET /domains/{name}: the UPN's domain must be a verified domain of the tenant. */
    async checkRequestorDomain(input: { userPrincipalName: string }): Promise<{ domain: string }> {
      const domain = upnDomain(input.userPrincipalName);
      const found = await graphCallOrNotFound(
        { description: `look up domain ${domain}`, call: 'GET /v1.0/domains/{id}' },
        () => graph.api(`/domains/${encodeURIComponent(domain)}`).get() as Promise<DomainRecord>,
      );
      if (found !== notFound && found.isVerified) return { domain };
      const all = await graphCall(
        { description: 'list domains', call: 'GET /v1.0/domains' },
        () => graph.api('/domains').select('id,isVerified').get() as Promise<GraphList<DomainRecord>>,
      );
      const verified = all.value.filter((d) => d.isVerified).map((d) => d.id);
      throw ApplicationFailure.create({
        type: FailureType.PreflightFailed,
        message:
          `requestorUpn: ${domain} is ${found === notFound ? 'not a domain of this tenant' : 'not verified in this tenant'}; ` +
          `use one of its verified domains: ${verified.join(', ') || '(none)'}`,
      });
    },
  };
}
