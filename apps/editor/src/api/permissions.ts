import type { MeResponse } from '@switchboard/contracts';
import { useEffect, useState } from 'react';
import { api, session } from './client.js';

/**
 * What the signed-in person may do (`GET /v1/auth/me`'s permissions), read once per session token:
 * screens hide the buttons of changes the API would refuse with a 403, and say when numbers are
 * masked. The API checks every request again; this only spares the operator a useless click.
 */
export type Permissions = ReadonlySet<string>;

let cached: { token: string; permissions: Promise<Permissions> } | null = null;

export function loadPermissions(): Promise<Permissions> {
  const token = session.token;
  if (!token) return Promise.resolve(new Set());
  if (cached?.token !== token) {
    const permissions = api<MeResponse>('/v1/auth/me').then((me) => new Set(me.permissions) as Permissions);
    // a failed read is tried again by the next screen rather than cached
    permissions.catch(() => {
      if (cached?.permissions === permissions) cached = null;
    });
    cached = { token, permissions };
  }
  return cached.permissions;
}

/** `loading` until the API answered; `unknown` when it could not be read */
export type PermissionsState = Permissions | 'loading' | 'unknown';

/**
 * Whether to offer an action needing `permission`: not while loading (no button that vanishes a
 * moment later), yes when the permissions could not be read (the API will say no itself if it must).
 */
export function allows(state: PermissionsState, permission: string): boolean {
  if (state === 'loading') return false;
  if (state === 'unknown') return true;
  return state.has(permission);
}

export function usePermissions(): PermissionsState {
  const [state, setState] = useState<PermissionsState>('loading');
  useEffect(() => {
    let live = true;
    loadPermissions()
      .then((p) => live && setState(p))
      .catch(() => live && setState('unknown'));
    return () => {
      live = false;
    };
  }, []);
  return state;
}
