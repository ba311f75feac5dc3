import * as v from 'valibot';
import { UserRole } from '../auth/index.js';
import type { RouteRegistry } from '../http/routes.js';
import { readAuditFile, toAuditBundle, verifyLog } from '../audit/index.js';
import type { GatewayParts } from '../parts.js';

const Limit = v.object({
  limit: v.optional(
    v.pipe(v.string(), v.regex(/^\d{1,4}$/), v.transform(Number), v.minValue(1), v.maxValue(1000)),
    '100',
  ),
});
const Users = v.array(v.object({ id: v.string(), role: UserRole, createdAt: v.number() }));

/** Admin only: users, the audit log, its verification and its FHIR export. */
export const adminRoutes = (routes: RouteRegistry, parts: GatewayParts, auditFile: string): void => {
  const admin = { kind: 'roles', roles: ['admin'] } as const;
  routes.add({
    method: 'get',
    path: '/api/v1/users',
    summary: 'Users of this instance (no secrets)',
    access: admin,
    response: { kind: 'json', schema: Users },
    handler: (c) =>
      c.json(parts.users.list().map((u) => ({ id: u.id, role: u.role, createdAt: u.createdAt }))),
  });
  routes.add({
    method: 'get',
    path: '/api/v1/audit',
    summary: 'Latest audit entries, newest first',
    access: admin,
    query: Limit,
    response: { kind: 'json' },
    handler: (c, { query }) => c.json(parts.audit.latest(query.limit)),
  });
  routes.add({
    method: 'get',
    path: '/api/v1/audit/fhir',
    summary: 'Latest audit entries as a FHIR Bundle of AuditEvents (IHE BALP)',
    access: admin,
    query: Limit,
    response: { kind: 'json' },
    handler: (c, { query }) => c.json(toAuditBundle(parts.audit.latest(query.limit))),
  });
  routes.add({
    method: 'get',
    path: '/api/v1/audit/verify',
    summary: 'Verify the hash chain and the signed checkpoints of this instance’s audit log',
    access: admin,
    response: { kind: 'json' },
    handler: (c) => {
      const file = readAuditFile(auditFile);
      const result = verifyLog(
        file.entries,
        file.checkpoints,
        parts.device,
        parts.auditPublicKey,
        parts.verifySignature,
      );
      return c.json(result.ok ? { intact: true, ...result.value } : { intact: false, problem: result.error });
    },
  });
};
