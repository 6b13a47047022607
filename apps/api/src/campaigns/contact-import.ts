import type { Readable } from 'node:stream';
import { parse } from 'csv-parse';
import {
  CallSimulationSchema,
  CampaignContactInputSchema,
  MAX_CONTACTS_PER_UPLOAD,
  type AddContactsResult,
  type CallSimulation,
} from '@switchboard/contracts';
import { parsePhone } from '@switchboard/compliance';
import { variableFromText, type FlowDocument, type Variable } from '@switchboard/flow';
import { ApiError } from '../common/errors/api-error.js';
import { variableProblems } from '../calls/call-variables.js';
import type { NewContact } from './campaigns.repository.js';
import { CampaignError } from './campaigns.errors.js';

type Rejection = AddContactsResult['rejected'][number];

/** An upload, checked: the good contacts (one per number), the bad rows, the duplicates folded in. */
export interface ParsedContacts {
  received: number;
  contacts: NewContact[];
  /** rows whose number came earlier in the same upload */
  mergedInUpload: number;
  rejected: Rejection[];
}

/** Keeps the good rows of an upload, one per E.164 number, and reports the bad ones. */
class ContactCollector {
  private readonly byPhone = new Map<string, NewContact>();
  private readonly rejected: Rejection[] = [];
  private merged = 0;
  private received = 0;

  constructor(
    private readonly document: FlowDocument,
    private readonly defaults: Record<string, unknown>,
  ) {}

  reject(row: number, field: string, message: string): void {
    this.received += 1;
    this.rejected.push({ row, field, message });
  }

  add(
    row: number,
    contact: {
      phone: string | undefined;
      externalId: string | null;
      variables: Record<string, unknown>;
      simulation: CallSimulation | null;
    },
    problems: Rejection[] = [],
  ): void {
    this.received += 1;
    if (this.received > MAX_CONTACTS_PER_UPLOAD) throw CampaignError.tooManyContacts(MAX_CONTACTS_PER_UPLOAD);
    const found = [...problems];
    let phone: string | null = null;
    if (found.some((problem) => problem.field === 'phone')) {
      // the caller said what is wrong with the number already
    } else if (contact.phone === undefined || contact.phone.trim() === '') {
      found.push({ row, field: 'phone', message: 'missing: every contact needs a number' });
    } else {
      const parsed = parsePhone(contact.phone);
      if (parsed.ok) phone = parsed.e164;
      else found.push({ row, field: 'phone', message: parsed.problem });
    }
    for (const problem of variableProblems(this.document, { ...this.defaults, ...contact.variables })) {
      found.push({ row, field: problem.path.replace(/^body\./, ''), message: problem.message });
    }
    if (found.length > 0 || phone === null) {
      this.rejected.push(...found);
      return;
    }
    if (this.byPhone.has(phone)) {
      this.merged += 1;
      return;
    }
    this.byPhone.set(phone, {
      phone,
      externalId: contact.externalId,
      variables: contact.variables,
      simulation: contact.simulation,
    });
  }

  result(): ParsedContacts {
    return {
      received: this.received,
      contacts: [...this.byPhone.values()],
      mergedInUpload: this.merged,
      rejected: this.rejected,
    };
  }
}

/** `{ contacts: [...] }`: each element checked on its own, so one bad contact does not sink the others. */
export function parseJsonContacts(
  body: unknown,
  document: FlowDocument,
  defaults: Record<string, unknown>,
): ParsedContacts {
  const contacts = (body as { contacts?: unknown } | null)?.contacts;
  if (typeof body !== 'object' || body === null || Array.isArray(body) || !Array.isArray(contacts)) {
    throw new ApiError(400, 'BAD_REQUEST', 'body.contacts: must be an array of contacts (or send text/csv)', [
      { path: 'body.contacts', message: 'must be an array of contacts' },
    ]);
  }
  const unknown = Object.keys(body).filter((key) => key !== 'contacts');
  if (unknown.length > 0) {
    throw new ApiError(400, 'BAD_REQUEST', `body: unknown field ${unknown.join(', ')}`, [
      ...unknown.map((key) => ({ path: `body.${key}`, message: 'unknown field' })),
    ]);
  }
  if (contacts.length === 0) {
    throw new ApiError(400, 'BAD_REQUEST', 'body.contacts: give at least one contact', [
      { path: 'body.contacts', message: 'give at least one contact' },
    ]);
  }
  if (contacts.length > MAX_CONTACTS_PER_UPLOAD) throw CampaignError.tooManyContacts(MAX_CONTACTS_PER_UPLOAD);
  const collector = new ContactCollector(document, defaults);
  contacts.forEach((input, index) => {
    const row = index + 1;
    const parsed = CampaignContactInputSchema.safeParse(input);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue?.path.length ? issue.path.map(String).join('.') : 'contact';
      collector.reject(row, field, issue?.message ?? 'not a contact');
      return;
    }
    collector.add(row, {
      phone: parsed.data.phone,
      externalId: parsed.data.externalId ?? null,
      variables: parsed.data.variables ?? {},
      simulation: parsed.data.simulation ?? null,
    });
  });
  return collector.result();
}

/** Which CSV column feeds what. */
interface ColumnMapping {
  phone: string;
  externalId: string | null;
  /** the column of the simulated callee's script (workers without telephony) */
  simulation: string | null;
  /** variable name → column */
  variables: Map<string, string>;
}

/**
 * The mapping of the query (`phone=`, `externalId=`, `simulation=`, `var.<name>=`), checked against the header
 * and the flow's input variables; without `var.` entries every column named like an input
 * variable is that variable.
 */
function mappingFor(query: Record<string, string>, header: string[], inputs: Map<string, Variable>): ColumnMapping {
  const columns = new Set(header);
  const phone = query.phone ?? 'phone';
  if (!columns.has(phone)) {
    throw CampaignError.csvInvalid(`the header has no column "${phone}" for the number`, 'query.phone');
  }
  const externalId = query.externalId ?? null;
  if (externalId !== null && !columns.has(externalId)) {
    throw CampaignError.csvInvalid(`the header has no column "${externalId}"`, 'query.externalId');
  }
  const simulation = query.simulation ?? null;
  if (simulation !== null && !columns.has(simulation)) {
    throw CampaignError.csvInvalid(`the header has no column "${simulation}"`, 'query.simulation');
  }
  const variables = new Map<string, string>();
  for (const [key, column] of Object.entries(query)) {
    if (key === 'phone' || key === 'externalId' || key === 'simulation') continue;
    if (!key.startsWith('var.')) {
      const message = 'unknown parameter (use phone, externalId, simulation or var.<name>)';
      throw new ApiError(400, 'BAD_REQUEST', `query.${key}: ${message}`, [{ path: `query.${key}`, message }]);
    }
    const name = key.slice(4);
    if (!inputs.has(name)) throw CampaignError.csvInvalid(`the flow has no input variable "${name}"`, `query.${key}`);
    if (!columns.has(column)) throw CampaignError.csvInvalid(`the header has no column "${column}"`, `query.${key}`);
    variables.set(name, column);
  }
  if (variables.size === 0) {
    for (const column of header) {
      if (column !== phone && column !== externalId && column !== simulation && inputs.has(column)) {
        variables.set(column, column);
      }
    }
  }
  return { phone, externalId, simulation, variables };
}

/**
 * A simulation cell: a CallSimulation as JSON (`{"answeredBy":"busy","callee":[…]}`), or the
 * answers per attempt separated by `|` (`no_answer|human`); empty is none.
 */
function simulationCell(text: string): { value: CallSimulation | null } | { problem: string } {
  const value = text.trim();
  if (value === '') return { value: null };
  let candidate: unknown;
  if (value.startsWith('{')) {
    try {
      candidate = JSON.parse(value);
    } catch {
      return { problem: 'not JSON: give a simulation object or answers like no_answer|human' };
    }
  } else {
    const answers = value.split('|').map((answer) => answer.trim());
    candidate = { answeredBy: answers.length === 1 ? answers[0] : answers };
  }
  const parsed = CallSimulationSchema.safeParse(candidate);
  if (parsed.success) return { value: parsed.data };
  const issue = parsed.error.issues[0];
  return { problem: `${issue?.path.map(String).join('.') || 'simulation'}: ${issue?.message ?? 'invalid'}` };
}

/**
 * Streams a CSV body (header row first) through csv-parse; rows are checked as they come. Not a
 * CSV at all (bad quoting, no header) → 400 and nothing is kept.
 */
export async function parseCsvContacts(
  stream: Readable,
  query: Record<string, string>,
  document: FlowDocument,
  defaults: Record<string, unknown>,
): Promise<ParsedContacts> {
  const inputs = new Map(document.variables.filter((v) => v.source === 'input').map((v) => [v.name, v]));
  const collector = new ContactCollector(document, defaults);
  let mapping: ColumnMapping | null = null;
  // set by the header callback, which csv-parse calls from inside the stream
  const mappingFailure: { error?: Error } = {};
  const parser = stream.pipe(
    parse({
      bom: true,
      trim: true,
      skip_empty_lines: true,
      relax_column_count: true,
      columns: (header: string[]) => {
        try {
          mapping = mappingFor(query, header, inputs);
        } catch (error) {
          mappingFailure.error = error instanceof Error ? error : new Error(String(error));
          throw mappingFailure.error;
        }
        return header;
      },
    }),
  );
  let row = 0;
  try {
    for await (const record of parser as AsyncIterable<Record<string, string | undefined>>) {
      row += 1;
      const map = mapping as ColumnMapping | null;
      if (!map) break;
      const problems: Rejection[] = [];
      const variables: Record<string, unknown> = {};
      for (const [name, column] of map.variables) {
        const text = record[column];
        if (text === undefined) {
          problems.push({ row, field: `variables.${name}`, message: `missing column "${column}"` });
          continue;
        }
        if (text.trim() === '') continue;
        variables[name] = variableFromText(inputs.get(name)?.type, text);
      }
      const phone = record[map.phone];
      if (phone === undefined) problems.push({ row, field: 'phone', message: `missing column "${map.phone}"` });
      let simulation: CallSimulation | null = null;
      if (map.simulation) {
        const cell = simulationCell(record[map.simulation] ?? '');
        if ('problem' in cell) problems.push({ row, field: 'simulation', message: cell.problem });
        else simulation = cell.value;
      }
      collector.add(
        row,
        {
          phone,
          externalId: map.externalId ? record[map.externalId]?.trim() || null : null,
          variables,
          simulation,
        },
        problems,
      );
    }
  } catch (error) {
    if (mappingFailure.error) throw mappingFailure.error;
    if (error instanceof ApiError) throw error;
    const message = error instanceof Error ? error.message : String(error);
    throw CampaignError.csvInvalid(message.slice(0, 300));
  }
  if (mapping === null) throw CampaignError.csvInvalid('the body has no header row');
  return collector.result();
}
