import * as v from 'valibot';
import type { RoleName } from '../../config/index.js';

/** People's roles. An instance (ambulance, hospital, dispatch) admits its own role and admin. */
export const USER_ROLES = ['crew', 'triage', 'dispatcher', 'admin'] as const;
export const UserRole = v.picklist(USER_ROLES);
export type UserRole = v.InferOutput<typeof UserRole>;

export const UserId = v.pipe(
  v.string(),
  v.regex(/^[a-z0-9][a-z0-9._-]{1,31}$/, 'must be 2–32 lower-case letters, digits, dots, hyphens'),
);

export const rolesFor = (instance: RoleName): readonly UserRole[] => {
  switch (instance) {
    case 'ambulance':
      return ['crew', 'admin'];
    case 'hospital':
      return ['triage', 'admin'];
    case 'dispatch':
      return ['dispatcher', 'admin'];
    default:
      return instance satisfies never;
  }
};

/** The role whose screen an instance shows at `/`. */
export const screenRoleOf = (instance: RoleName): Exclude<UserRole, 'admin'> => {
  switch (instance) {
    case 'ambulance':
      return 'crew';
    case 'hospital':
      return 'triage';
    case 'dispatch':
      return 'dispatcher';
    default:
      return instance satisfies never;
  }
};
