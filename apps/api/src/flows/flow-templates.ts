import { existsSync, readFileSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { type FlowDocument, validateFlowText } from '@switchboard/flow';
import type { FlowTemplate } from '@switchboard/contracts';

/** Injection token of the folder holding the example flows (`*.flow.json`). */
export const FLOW_TEMPLATES_DIR = Symbol('FLOW_TEMPLATES_DIR');

const TEMPLATE_SUFFIX = '.flow.json';

/**
 * `<repository root>/flows`: the root is the nearest folder above this file whose package.json
 * declares npm workspaces (the same from src/ under Vitest and from dist/ once built).
 */
export function defaultTemplatesDir(from: string = dirname(fileURLToPath(import.meta.url))): string {
  let dir = from;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      try {
        if ((JSON.parse(readFileSync(manifest, 'utf8')) as { workspaces?: unknown }).workspaces) {
          return join(dir, 'flows');
        }
      } catch {
        // not the root's manifest; keep climbing
      }
    }
    const parent = dirname(dir);
    if (parent === dir) return join(from, 'flows');
    dir = parent;
  }
}

export interface LoadedTemplate extends FlowTemplate {
  /** the file's document as written (layout included) */
  document: Record<string, unknown>;
  flow: FlowDocument;
}

/**
 * The example flows offered as starting points. Read once, on first use; a file that is not a
 * valid flow is left out (and logged), never offered.
 */
@Injectable()
export class FlowTemplateCatalog {
  private readonly logger = new Logger(FlowTemplateCatalog.name);
  private loading: Promise<LoadedTemplate[]> | undefined;

  constructor(@Inject(FLOW_TEMPLATES_DIR) private readonly dir: string) {}

  list(): Promise<LoadedTemplate[]> {
    this.loading ??= this.load().catch((error: unknown) => {
      this.loading = undefined;
      throw error;
    });
    return this.loading;
  }

  async find(id: string): Promise<LoadedTemplate | undefined> {
    return (await this.list()).find((template) => template.id === id);
  }

  private async load(): Promise<LoadedTemplate[]> {
    let files: string[];
    try {
      files = (await readdir(this.dir)).filter((file) => file.endsWith(TEMPLATE_SUFFIX)).sort();
    } catch (error) {
      this.logger.warn(`no flow templates: cannot read ${this.dir} (${(error as Error).message})`);
      return [];
    }
    const templates: LoadedTemplate[] = [];
    for (const file of files) {
      const text = await readFile(join(this.dir, file), 'utf8');
      const validation = validateFlowText(text);
      if (!validation.flow || !validation.ok) {
        this.logger.warn(`flow template ${file} is left out: it does not pass the checks`);
        continue;
      }
      const flow = validation.flow;
      templates.push({
        id: file.slice(0, -TEMPLATE_SUFFIX.length),
        name: flow.meta.name,
        description: flow.meta.description ?? null,
        purpose: flow.purpose,
        document: JSON.parse(text.replace(/^\uFEFF/, '')) as Record<string, unknown>,
        flow,
      });
    }
    return templates;
  }
}
