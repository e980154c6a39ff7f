// The applications and SharePoint Online sites a package may grant: found, never created. An application is known by
// its appId or display name, and granted through its service principal; a site by its URL.

import type { Client } from '@microsoft/microsoft-graph-client';
import { ApplicationFailure } from '@temporalio/common';
import { FailureType } from '../common/failure-types.js';
import { defaultAppRole } from '../common/validation.js';
import { graphCall, graphCallOrNotFound, notFound, odataString, type GraphList } from './graph-call.js';

const guid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The id Entra gives the role of an application that defines none ("Default Access"). */
const defaultAccessRoleId = '00000000-0000-0000-0000-000000000000';

interface ServicePrincipalRecord {
  id: string;
  appId: string;
  displayName: string;
  appRoles?: { id: string; value?: string | null; displayName?: string | null; isEnabled?: boolean }[];
}

/** An application found for a run: its service principal, and the ids of the app roles a role name may mean. */
export interface FoundApplication {
  servicePrincipalId: string;
  appId: string;
  displayName: string;
  /** The app role ids whose value or display name is the role asked for ("Default Access": the all-zero id). */
  roleIds: string[];
  /** Every role the app offers, for messages. */
  roleNames: string[];
}

export function applicationActivities(graph: Client) {
  return {
    /**
     * GET servicePrincipals?$filter=appId eq '…' (or displayName eq '…'): the application's service principal and the
     * app roles `role` names. An unknown application, an ambiguous name or a role the app does not offer fails the
     * preflight, before anything is written.
     */
    async findApplication(input: { app: string; role: string; field: string }): Promise<FoundApplication> {
      const filter = guid.test(input.app)
        ? `appId eq ${odataString(input.app)}`
        : `displayName eq ${odataString(input.app)}`;
      const page = await graphCall(
        { description: `find application ${input.app}`, call: 'GET /v1.0/servicePrincipals' },
        () =>
          graph.api('/servicePrincipals').filter(filter).select('id,appId,displayName,appRoles').get() as Promise<
            GraphList<ServicePrincipalRecord>
          >,
      );
      const refuse = (problem: string) =>
        ApplicationFailure.create({ type: FailureType.PreflightFailed, message: `${input.field}: ${problem}` });
      if (page.value.length === 0)
        throw refuse(`no application "${input.app}" (by appId or display name) in the tenant`);
      if (page.value.length > 1) {
        throw refuse(
          `${page.value.length} applications are named "${input.app}": name it by its appId (${page.value.map((a) => a.appId).join(', ')})`,
        );
      }
      const sp = page.value[0] as ServicePrincipalRecord;
      const roles = (sp.appRoles ?? []).filter((r) => r.isEnabled !== false);
      const wanted = input.role.toLowerCase();
      const roleIds = roles
        .filter((r) => r.value?.toLowerCase() === wanted || r.displayName?.toLowerCase() === wanted)
        .map((r) => r.id);
      const offersDefault = roles.length === 0;
      if (offersDefault && wanted === defaultAppRole.toLowerCase()) roleIds.push(defaultAccessRoleId);
      const roleNames = offersDefault ? [defaultAppRole] : roles.map((r) => r.value ?? r.displayName ?? r.id);
      if (roleIds.length === 0) {
        throw refuse(
          `application "${sp.displayName}" has no role "${input.role}"; it offers ${roleNames.map((n) => `"${n}"`).join(', ')}`,
        );
      }
      return { servicePrincipalId: sp.id, appId: sp.appId, displayName: sp.displayName, roleIds, roleNames };
    },

    /** GET servicePrincipals/{id}/appRoleAssignedTo: the users (and groups) holding each of the app's roles. */
    async listAppRoleAssignedTo(input: {
      servicePrincipalId: string;
    }): Promise<{ assignments: { principalId: string; appRoleId: string }[] }> {
      const assignments: { principalId: string; appRoleId: string }[] = [];
      let url: string | undefined = `/servicePrincipals/${input.servicePrincipalId}/appRoleAssignedTo`;
      while (url) {
        const next: string = url;
        const page = await graphCall(
          {
            description: `list the holders of the roles of service principal ${input.servicePrincipalId}`,
            call: 'GET /v1.0/servicePrincipals/{id}/appRoleAssignedTo',
          },
          () => graph.api(next).get() as Promise<GraphList<{ principalId: string; appRoleId: string }>>,
        );
        assignments.push(...page.value.map((a) => ({ principalId: a.principalId, appRoleId: a.appRoleId })));
        url = page['@odata.nextLink'];
      }
      return { assignments };
    },

    /**
     * GET sites/{hostname}:/{path}: the SharePoint Online site exists (a dry run checks it; its roles show only once the
     * site is a resource of the catalog).
     */
    async findSite(input: { url: string; field: string }): Promise<{ siteId: string }> {
      const url = new URL(input.url);
      const site = await graphCallOrNotFound(
        { description: `find site ${input.url}`, call: 'GET /v1.0/sites/{siteId}' },
        () => graph.api(`/sites/${url.hostname}:${url.pathname}`).select('id,webUrl').get() as Promise<{ id: string }>,
      );
      if (site === notFound) {
        throw ApplicationFailure.create({
          type: FailureType.PreflightFailed,
          message: `${input.field}: no SharePoint site at ${input.url}`,
        });
      }
      return { siteId: site.id };
    },
  };
}
