import { useSyncExternalStore } from 'react';

/** A hash router (#/flows/…): no server configuration, no dependency. */
export type Route = { name: 'login' } | { name: 'flows' } | { name: 'editor'; id: string };

export function parseRoute(hash: string): Route {
  const path = hash.replace(/^#/, '') || '/';
  const editor = /^\/flows\/([0-9a-f-]{36})\/?$/i.exec(path);
  if (editor) return { name: 'editor', id: editor[1]! };
  if (path === '/login') return { name: 'login' };
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
