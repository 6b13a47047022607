import { useSyncExternalStore } from 'react';

/** A hash router (#/flows/…): no server configuration, no dependency. */
export type Route =
  | { name: 'login' }
  | { name: 'flows' }
  | { name: 'editor'; id: string }
  | { name: 'campaigns' }
  | { name: 'campaign'; id: string }
  | { name: 'calls'; campaignId?: string }
  | { name: 'call'; id: string };

const UUID = '([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})';

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const editor = /^\/flows\/([0-9a-f-]{36})\/?$/i.exec(path);
  if (editor) return { name: 'editor', id: editor[1]! };
  if (path === '/login') return { name: 'login' };
  const campaign = new RegExp(`^/campaigns/${UUID}/?$`, 'i').exec(path);
  if (campaign) return { name: 'campaign', id: campaign[1]! };
  if (/^\/campaigns\/?$/.test(path)) return { name: 'campaigns' };
  const call = new RegExp(`^/calls/${UUID}/?$`, 'i').exec(path);
  if (call) return { name: 'call', id: call[1]! };
  const calls = new RegExp(`^/calls/?(?:\\?campaign=${UUID})?$`, 'i').exec(path);
  if (calls) return calls[1] ? { name: 'calls', campaignId: calls[1] } : { name: 'calls' };
  return { name: 'flows' };
}

export function hrefOf(route: Route): string {
  switch (route.name) {
    case 'login':
      return '#/login';
    case 'flows':
      return '#/flows';
    case 'editor':
      return `#/flows/${route.id}`;
    case 'campaigns':
      return '#/campaigns';
    case 'campaign':
      return `#/campaigns/${route.id}`;
    case 'calls':
      return route.campaignId ? `#/calls?campaign=${route.campaignId}` : '#/calls';
    case 'call':
      return `#/calls/${route.id}`;
  }
}

export function navigate(route: Route): void {
  window.location.hash = hrefOf(route);
}

function subscribe(callback: () => void): () => void {
  window.addEventListener('hashchange', callback);
  return () => window.removeEventListener('hashchange', callback);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
