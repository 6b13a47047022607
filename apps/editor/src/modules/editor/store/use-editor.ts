import { useStore } from 'zustand';
import { editorStore, type EditorStore } from './editor-store.js';

export function useEditor<T>(selector: (state: EditorStore) => T): T {
  return useStore(editorStore, selector);
}
