import type { FlowDetail } from '@switchboard/contracts';
import { HttpError } from '../../../api/client.js';
import { toSaveBody, type createEditorStore } from './editor-store.js';

type Store = ReturnType<typeof createEditorStore>;
export type SaveFn = (
  id: string,
  body: ReturnType<typeof toSaveBody>,
  revision: number | '*',
) => Promise<Pick<FlowDetail, 'revision'>>;

/**
 * Saves the draft with `If-Match` on the revision it is based on; a 409 becomes the
 * conflict banner (reload or overwrite), never a silent overwrite. One save at a time.
 */
export function createSaver(store: Store, flowId: string, save: SaveFn) {
  let inflight: Promise<boolean> | null = null;

  async function saveNow(options: { overwrite?: boolean } = {}): Promise<boolean> {
    while (inflight) await inflight;
    const state = store.getState();
    if (state.flowId !== flowId) return false;
    if (state.saveState === 'saved') return true;
    if (state.saveState === 'conflict' && !options.overwrite) return false;
    const flow = state.history.present;
    state.markSaving();
    inflight = (async () => {
      try {
        const detail = await save(flowId, toSaveBody(flow), options.overwrite ? '*' : state.revision);
        store.getState().markSaved(flow, detail.revision);
        return true;
      } catch (error) {
        if (error instanceof HttpError && error.status === 409)
          store.getState().markConflict('Someone else saved this flow meanwhile.');
        else store.getState().markSaveError(error instanceof Error ? error.message : String(error));
        return false;
      } finally {
        inflight = null;
      }
    })();
    return inflight;
  }

  /** Saves a moment after the last edit. Returns the unsubscribe function. */
  function autosave(delayMs = 1200): () => void {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const unsubscribe = store.subscribe((state, before) => {
      if (state.history.present === before.history.present || state.saveState !== 'dirty') return;
      clearTimeout(timer);
      timer = setTimeout(() => void saveNow(), delayMs);
    });
    return () => {
      clearTimeout(timer);
      unsubscribe();
    };
  }

  return { saveNow, autosave };
}
