import type { BuiltinIntent } from '../schema/index.js';
import { FirstWordIndex, topLevelAlternatives } from './first-words.js';
import { CLAUSE_BREAK, stem, type NormalizedText } from './normalize.js';
import { questionFlags } from './questions.js';

/**
 * The built-in intents every flow may rely on (FLOW-LANGUAGE.md "Globals"), recognised
 * from phrase patterns over normalised text.
 *
 * Two families:
 * - the stance (`yes` / `no`): a lexicon scanned left to right; the LAST stance-bearing
 *   phrase wins ("yes... actually no" → no), an "I'm not sure" at the end cancels it, and a
 *   turn holding both stances is reported with lower confidence. The words of an
 *   information question carry none ("what kind of panels do you use?", questions.ts).
 *   Implied phrases ("I need to reschedule") decide the stance without yes/no words, so
 *   they give no `yes`/`no` score;
 * - the specific intents (`opt_out`, `ask_human`, `who_is_calling`, `wrong_person`,
 *   `call_back_later`, `repeat`): each a list of weighted patterns. A match is discarded when
 *   the words before it in the same clause negate it ("I don't want to be removed").
 *   A specific intent outranks the stance: with one present, yes/no are capped at 0.6, so
 *   "not interested, stop calling" is opt_out and "no, wrong number" is wrong_person.
 */

export const SPECIFIC_INTENTS = [
  'opt_out',
  'ask_human',
  'who_is_calling',
  'wrong_person',
  'call_back_later',
  'repeat',
] as const satisfies readonly BuiltinIntent[];

export type IntentScores = Partial<Record<BuiltinIntent, number>>;

export interface Stance {
  value: boolean;
  confidence: number;
  /** decided by a phrase that implies the answer without yes/no words ("I need to reschedule") */
  implied?: true;
}

export interface IntentDetection {
  /** 0..1 per built-in intent found in the turn */
  readonly scores: IntentScores;
  /** the callee's yes/no answer, when the turn holds one (not capped by specific intents) */
  readonly stance?: Stance;
}

/** yes/no with a specific intent beside them ("yes, who is this?") */
const STANCE_CAP_BESIDE_SPECIFIC = 0.6;
/** a specific intent at least this strong caps the stance */
const SPECIFIC_DOMINANCE = 0.7;
/** both stances in one turn ("yes... actually no") */
const MIXED_STANCE_FACTOR = 0.85;

// ---------------------------------------------------------------- pattern compilation

/** a space in a phrase may also be a clause break: "no, thanks" matches "no thanks" */
const SEP = ' (?:\\| )?';
const START = '(?:^|(?<=\\| ))';
const END = '(?=$| \\|)';

type Anchor = 'start' | 'end' | 'edge' | 'whole';

function phrase(source: string, anchor?: Anchor): string {
  const body = `(?:${source.replace(/ /g, SEP)})`;
  switch (anchor) {
    case 'start':
      return `${START}${body}`;
    case 'end':
      return `${body}${END}`;
    case 'edge':
      return `(?:${START}${body}|${body}${END})`;
    case 'whole':
      return `^${body}$`;
    default:
      return body;
  }
}

// ---------------------------------------------------------------- the stance lexicon

type StanceKind = 'yes' | 'no' | 'unsure' | 'neutral';
/**
 * `implied`: the phrase states a situation that answers the question ("I need to
 * reschedule" to "Can you make it?") without saying yes or no. It decides the stance (a
 * yes/no capture), but gives no `yes`/`no` intent score: an edge whose examples are "no
 * thanks" is not about rescheduling.
 */
type StanceEntry = readonly [source: string, kind: StanceKind, weight: number, anchor?: Anchor, implied?: 'implied'];

/**
 * Asking to change the booking declines it as it stands: to "Can you make it?", "I need to
 * reschedule" and "can we move it?" say no. Said with an answer beside it, the last stance
 * wins as usual ("yes... actually I need to reschedule" → no).
 */
const CHANGE =
  '(?:(?:reschedule|rebook|postpone|rearrange)(?: it| that| this| (?:my|the|our|this) (?:appointment|visit|booking|reservation))?|' +
  '(?:move|change|switch|push|shift|bump) (?:it|that|this|(?:my|the|our|this) (?:appointment|visit|time|date|day|booking|slot|reservation)))';
const CHANGE_VERB = '(?:reschedule|rebook|postpone|rearrange|cancel|move|change|switch|push|shift|bump)';

const STANCE_LEXICON: readonly StanceEntry[] = [
  // yes
  ['yes|yeah|yep|yup|uhhuh|aye|yes please|yes sir|yes maam|yes mam|yeah sure|sure thing', 'yes', 0.95],
  ['absolutely|definitely|certainly|of course|that is correct|that is right|correct|affirmative', 'yes', 0.95],
  ['exactly|precisely|indeed|you bet|you got it|for sure|totally|you are right', 'yes', 0.9],
  ['sure|sounds (?:good|great|perfect|fine|lovely|right|about right|like a plan)|that works|works for me', 'yes', 0.9],
  ['that (?:would|will|should|could) work|that (?:would|will) be (?:great|good|fine|nice|perfect|lovely)', 'yes', 0.9],
  ['go ahead|go for it|let us do (?:it|that)|i agree|agreed|i confirm|confirmed', 'yes', 0.9],
  ['please do', 'yes', 0.9, 'end'],
  ['(?:that|it|this) is me|this is (?:she|he|him|her)|that is (?:him|her)|(?:he|she) is speaking', 'yes', 0.9],
  ['that is (?:fine|good|great|perfect|okay|true|the one)|i think so|i believe so|that is true', 'yes', 0.85],
  ['no problem|not a problem|no worries|no doubt|i would (?:like|love) (?:that|to|it)|not bad', 'yes', 0.85],
  ['i (?:do|am|will|would|can|have|did|could|should|was)|we (?:do|are|will|would|can|have|did)', 'yes', 0.85, 'end'],
  ['it (?:is|does|was|will|would|did)|that is it|it is that one', 'yes', 0.85, 'end'],
  ['speaking', 'yes', 0.85, 'end'],
  [
    'right|all right|okay|fine|perfect|true|positive|confirm|great|cool|awesome|excellent|lovely|wonderful',
    'yes',
    0.8,
    'edge',
  ],
  ['why not|of course i (?:do|am|will|can)', 'yes', 0.8],
  [
    'i (?:will|can|could|should) (?:be there|make it)|i will make it work|see you (?:then|there)|count me in',
    'yes',
    0.85,
  ],
  ['(?:i am|we are) (?:fine|okay|good|happy|ok) with (?:that|it|this)', 'yes', 0.85],
  ['i am in|we are in', 'yes', 0.8, 'end'],
  ['all good|whatever works|go on', 'yes', 0.75],
  ['deal|good|please|bingo', 'yes', 0.75, 'whole'],
  ['i guess(?: so)?|i suppose(?: so)?|i hope so|pretty much|more or less|kind of|sort of', 'yes', 0.7],
  ['probably', 'yes', 0.6],
  // no
  ['no|nope|nah|uhuh|no thanks|no thank you|absolutely not|definitely not|certainly not|of course not', 'no', 0.95],
  ['no way|not interested|negative|incorrect|no sir|no maam|hell no|not a chance', 'no', 0.95],
  ['not really|not at all|i do not think so|i do not believe so|not that i know of|never', 'no', 0.9],
  [
    '(?:that|it|this) is not (?:correct|right|true|me|it|her|him|the case|what i said|the right (?:one|person))',
    'no',
    0.9,
  ],
  ['not (?:correct|right|true)|that is wrong|wrong|not me|not him|not her', 'no', 0.85],
  ['not (?:so |very |that |too )?(?:great|good|fine|okay|perfect|happy|satisfied)', 'no', 0.8],
  ['no (?:thanks |thank you )?(?:that is|it is|i am|we are) (?:fine|okay|good|all right|all set|set)', 'no', 0.9],
  [
    'i (?:do|am|will|would|can|have|did|could|should|was) not|we (?:do|are|will|would|can|have|did) not',
    'no',
    0.85,
    'end',
  ],
  ['(?:it|that|this) (?:is|does|was|will|would|did) not', 'no', 0.85, 'end'],
  ['not (?:a |the )?(?:good|great|convenient|right|best) time', 'no', 0.85],
  ['not (?:now|today|tonight|yet|anymore|any more|for now|right now|this time)|rather not|no need', 'no', 0.8],
  ['do not want (?:to|it|that|one|any|this)|no longer', 'no', 0.75],
  ['pass|i will pass|nothing', 'no', 0.7, 'end'],
  [
    '(?:i|we) (?:can|could|will|would) not (?:be able to )?make it|(?:i am|we are) not (?:going to be )?able to make it',
    'no',
    0.9,
  ],
  [
    '(?:that|it|this) (?:will|does|would|is) not (?:going to )?work(?: for me| for us)?|not going to happen|no can do',
    'no',
    0.85,
  ],
  ['something came up|(?:i|we) (?:need|have|want) to cancel|(?:i am|we are) not available', 'no', 0.7],
  [
    `(?:i|we) (?:would like|would love|would prefer|would rather|need|have|want|will need|will have|might need|might have|may need|may have|got|had) to ${CHANGE}`,
    'no',
    0.8,
    undefined,
    'implied',
  ],
  [`(?:can|could|may) (?:we|i|you) (?:please )?${CHANGE}|let us ${CHANGE}`, 'no', 0.8, undefined, 'implied'],
  [
    '(?:i|we) (?:need|want|would like|would prefer|prefer) (?:a |to find a |to pick a )?(?:different|new|later|earlier|other) (?:time|day|date|slot|appointment)',
    'no',
    0.75,
    undefined,
    'implied',
  ],
  ['(?:reschedule|rebook|postpone)(?: it)?(?: please)?', 'no', 0.75, 'whole', 'implied'],
  ['(?:i am|we are) (?:good|okay|fine|all set)(?: thanks| thank you)?', 'no', 0.7, 'end'],
  // unsure: cancels the stance when it comes last
  ['i do not know|do not know|dunno|not sure|i am not sure|unsure|maybe|perhaps|possibly|not certain', 'unsure', 0.8],
  [
    '(?:i )?(?:have )?no idea|(?:i )?(?:can|could) not (?:remember|recall|say)|(?:i )?do not (?:remember|recall)',
    'unsure',
    0.8,
  ],
  ['(?:it )?depends|hard to say|who knows|let me think|i will think about it|i might|might', 'unsure', 0.8],
  // neutral: words that look like a stance and are not
  ['i know|you know|make sure|are you sure|is that (?:right|correct|true|okay)|am i right|no one|nobody', 'neutral', 0],
  ['right (?:now|away|here|there|back|after|before|then|on|when|number|person|one|time)', 'neutral', 0],
  ['no matter|if not|or not|whether or not|not only|who am i speaking (?:to|with)|who is speaking', 'neutral', 0],
  ['am i speaking|thank you|thanks|the right|is it|never mind|nevermind', 'neutral', 0],
  // "what kind of panels", "that sort of thing": a noun, not the hedge "kind of" (yes)
  [
    '(?:what|which|that|this|the|a|any|some|every|all|these|those|my|your|our|their|his|her|its)(?: (?:same|other|different|right|wrong|best|new|whole|certain))? (?:kind|sort|type)s? of',
    'neutral',
    0,
  ],
  // a need for a change denied is no answer of its own: "yes, no need to reschedule" is a yes
  [
    `no need to ${CHANGE_VERB}|(?:(?:i|we) )?(?:do not|does not|will not|would not|should not) (?:need|have) to ${CHANGE_VERB}`,
    'neutral',
    0,
  ],
];

interface LexiconGroup {
  /** sticky alternation of the phrases that can start with one word, longest first */
  readonly regex: RegExp;
  readonly entries: readonly StanceEntry[];
}

// one alternative per phrase, longest first: the regex engine takes the first alternative
// that matches at a position, so "no problem" beats "no"
const LEXICON_ENTRIES: readonly StanceEntry[] = STANCE_LEXICON.flatMap(([source, kind, weight, anchor, implied]) =>
  topLevelAlternatives(source).map((alternative): StanceEntry => [alternative, kind, weight, anchor, implied]),
).sort((a, b) => b[0].length - a[0].length);
const LEXICON_INDEX = new FirstWordIndex(LEXICON_ENTRIES, ([source]) => source);
const lexiconGroups = new Map<readonly StanceEntry[], LexiconGroup | undefined>();

function lexiconGroup(word: string): LexiconGroup | undefined {
  const entries = LEXICON_INDEX.at(word);
  if (lexiconGroups.has(entries)) return lexiconGroups.get(entries);
  const group =
    entries.length === 0
      ? undefined
      : {
          regex: new RegExp(
            `(?:${entries.map(([source, , , anchor]) => `(${phrase(source, anchor)})`).join('|')})(?![a-z0-9])`,
            'y',
          ),
          entries,
        };
  lexiconGroups.set(entries, group);
  return group;
}

/** char offsets of the tokens of `text` that belong to an information question */
function questionOffsets(text: string): ReadonlySet<number> | undefined {
  const tokens = text.split(' ');
  const flags = questionFlags(tokens);
  if (!flags.includes(true)) return undefined;
  const offsets = new Set<number>();
  let offset = 0;
  tokens.forEach((token, i) => {
    if (flags[i]) offsets.add(offset);
    offset += token.length + 1;
  });
  return offsets;
}

/** the stance phrases of a turn, in order: the last decides, the clearest sets the confidence */
class StanceTally {
  private last: { kind: StanceKind; weight: number } | undefined;
  private sawYes = false;
  private sawNo = false;
  private strongestYes = 0;
  private strongestNo = 0;

  add(kind: StanceKind, weight: number): void {
    if (kind === 'yes') {
      this.sawYes = true;
      this.strongestYes = Math.max(this.strongestYes, weight);
    }
    if (kind === 'no') {
      this.sawNo = true;
      this.strongestNo = Math.max(this.strongestNo, weight);
    }
    this.last = { kind, weight };
  }

  result(): Stance | undefined {
    const last = this.last;
    if (last === undefined || last.kind === 'unsure') return undefined;
    // one stance said several ways counts its clearest phrasing ("no, I don't want to")
    if (!(this.sawYes && this.sawNo))
      return { value: last.kind === 'yes', confidence: last.kind === 'yes' ? this.strongestYes : this.strongestNo };
    return { value: last.kind === 'yes', confidence: last.weight * MIXED_STANCE_FACTOR };
  }
}

/**
 * The callee's yes/no in a normalised turn. Words of an information question carry none:
 * "what kind of panels do you use?" is no hedged yes, "is that okay?" no agreement (a
 * stance said before the question still counts: "sure, what time works?").
 */
export function detectStance(text: string): Stance | undefined {
  return scanStance(text).stance;
}

/** the stance, and the stance said in yes/no words (implied phrases left out) */
function scanStance(text: string): { stance?: Stance; explicit?: Stance } {
  const all = new StanceTally();
  const explicit = new StanceTally();
  const asked = questionOffsets(text);
  for (let at = 0; at < text.length;) {
    const space = text.indexOf(' ', at);
    const group = asked?.has(at) ? undefined : lexiconGroup(text.slice(at, space === -1 ? undefined : space));
    let match: RegExpExecArray | null = null;
    if (group !== undefined) {
      group.regex.lastIndex = at;
      match = group.regex.exec(text);
    }
    if (group === undefined || match === null) {
      if (space === -1) break;
      at = space + 1;
      continue;
    }
    at = match.index + match[0].length + 1;
    let entry: StanceEntry | undefined;
    for (let g = 1; g < match.length; g++) {
      if (match[g] !== undefined) {
        entry = group.entries[g - 1];
        break;
      }
    }
    if (entry === undefined) continue;
    const [, kind, weight, , implied] = entry;
    if (kind === 'neutral') continue;
    all.add(kind, weight);
    if (implied === undefined) explicit.add(kind, weight);
  }
  const stance = all.result();
  const said = explicit.result();
  if (stance === undefined) return {};
  if (said === undefined || said.value !== stance.value) return { stance: { ...stance, implied: true } };
  return { stance, explicit: said };
}

/**
 * Stems of the words stance phrases are made of ("sounds good", "no problem"): a phrase
 * with no other topic word is a bare yes/no ("no thanks"), one with more says something
 * else too ("yes, let's book it").
 */
const STANCE_STEMS: ReadonlySet<string> = new Set(
  (
    'sounds good great fine perfect works absolutely definitely certainly course correct exactly agree agreed ' +
    'confirm confirmed interested problem worries thanks think guess suppose way sir maam mam ahead plan deal doubt ' +
    'true wrong incorrect negative positive affirmative bet totally indeed precisely cool awesome excellent lovely ' +
    'wonderful chance rather pass mind speaking idea hell nope nah uhhuh uhuh yep yup yeah aye lets love bingo'
  )
    .split(' ')
    .map(stem),
);

export function isStanceStem(s: string): boolean {
  return STANCE_STEMS.has(s);
}

// ---------------------------------------------------------------- specific intents

interface IntentPattern {
  readonly source: string;
  readonly weight: number;
  readonly anchor?: Anchor;
  /** the match does not count when the words before it in its clause match this */
  readonly unless?: RegExp;
}

const DET = '(?:a |an |the |some |your |one of your |any |a real |a live )?';
const ADJ = '(?:real |live |actual |human |living |real live |flesh and blood )?';
const HUMAN =
  '(?:person|people|human|human being|someone|somebody|anyone|anybody|agent|representative|rep|operator|manager|' +
  'supervisor|staff|staff member|employee|customer service|customer support|support|receptionist|front desk|office|' +
  'man|woman|guy|lady|doctor|nurse|someone else|somebody else|someone real|someone in charge)';
const HUMAN_NOUN =
  '(?:operator|representative|rep|agent|human|human being|person|real person|live person|someone|somebody|manager|supervisor|receptionist|customer service)';
const NUMBER_WORD = '(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|noon|[0-9]+)';
const LATER =
  '(?:later|later on|later today|tomorrow|tonight|another time|some other time|a different time|another day|' +
  'next week|this (?:afternoon|evening|weekend)|' +
  'in (?:a |an |one |two |three |a few |few |a couple |a couple of |[0-9]+ )?(?:minutes?|hours?|days?|weeks?|mins?|bit|while|little while)|' +
  '(?:on )?(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday|the weekend)|' +
  '(?:in the )?(?:morning|afternoon|evening)|after (?:work|lunch|dinner|' +
  NUMBER_WORD +
  ')|(?:at|around) ' +
  NUMBER_WORD +
  ')';
const ASKING_ABOUT_AGENT = /(?:^|\s)(?:are you|is this|is that|am i|you are|you sound like|was that|is it)(?:\s|$)/;

const INTENT_PATTERNS: Record<(typeof SPECIFIC_INTENTS)[number], readonly IntentPattern[]> = {
  opt_out: [
    {
      source:
        '(?:stop|quit|cease|stop all|quit all) (?:the )?(?:calling|calls|phoning|ringing|contacting|texting|messaging|bothering|harassing|bugging|spamming)' +
        '(?: me| us| my (?:phone|number|house|cell)| this number| here)?',
      weight: 0.95,
    },
    {
      source:
        '(?:do not|never|can you not|could you not|please do not) (?:ever )?(?:call|contact|phone|ring|text|bother|dial) ' +
        '(?:me|us|my (?:phone|number|house|cell)|this number|here)(?: again| ever again| anymore| any more| back)?',
      weight: 0.95,
    },
    { source: 'do not call (?:list|registry|register)|dnc(?: list)?', weight: 0.95 },
    {
      source: '(?:put|add|place) (?:me|us|my number|this number) (?:on|to) (?:your |the |a )?do not call',
      weight: 0.95,
    },
    {
      source:
        '(?:remove|delete|erase) (?:me|us|my (?:name|number|phone number|phone|info|information|details|data|contact(?: info| information| details)?)|this (?:number|phone number)|our number)',
      weight: 0.95,
    },
    {
      source:
        '(?:take|drop|scratch|cross|get|knock) (?:me|us|my (?:name|number|phone number|phone|info|information)|this number|our number) (?:off|out of)',
      weight: 0.95,
    },
    { source: 'unsubscribe|opt (?:me )?out|opting out|opted out', weight: 0.95 },
    {
      // "to be removed" only with a request or a list: "the tooth has to be removed" is no opt-out
      source:
        '(?:want|wants|like|need|wish|ask|asking|asked) to (?:be|get) (?:removed|taken off|deleted|unsubscribed)|' +
        '(?:how do|how can|can|could) (?:i|we) (?:get|be) (?:removed|taken off|unsubscribed)',
      weight: 0.9,
    },
    {
      source:
        '(?:be|get|being|getting) (?:removed|taken off|deleted|unsubscribed) from (?:your|the|this|that|any|all) ' +
        '(?:[a-z]+ )?(?:list|lists|database|system|records|calls|call list|calling list)',
      weight: 0.95,
    },
    {
      source: '(?:my|our) (?:name|number|phone number|info|information|details) (?:removed|deleted|taken off)',
      weight: 0.9,
    },
    { source: 'no (?:more|further) (?:calls|calling|contact|phone calls|messages)', weight: 0.9 },
    {
      source:
        '(?:do not|never) want (?:any |your |these |more |any more |to get |to receive |to be getting )?' +
        '(?:calls|phone calls|to be called|to be contacted|you (?:to call|calling)|you people calling|to hear from you)',
      weight: 0.9,
    },
    { source: 'lose my number|leave me alone', weight: 0.85 },
    { source: 'stop(?: it)?(?: please)?|please stop', weight: 0.7, anchor: 'whole' },
  ],
  ask_human: [
    {
      source: `(?:talk|speak|speaking|talking|chat) (?:to|with) ${DET}${ADJ}${HUMAN}`,
      weight: 0.9,
      unless: ASKING_ABOUT_AGENT,
    },
    { source: `(?:transfer|connect|put|patch|forward) me (?:through )?(?:to|with) ${DET}${ADJ}${HUMAN}`, weight: 0.95 },
    { source: '(?:transfer|connect|put) me through|transfer me', weight: 0.85 },
    {
      source:
        '(?:get|give|want|need|prefer) (?:me )?(?:a |an |the |your |to get a |to get an )?(?:real |live |actual )?' +
        '(?:person|human|human being|agent|representative|operator|manager|supervisor|someone real)',
      weight: 0.85,
    },
    {
      source: '(?:real|live|actual) (?:person|human|people|agent|operator|representative)',
      weight: 0.9,
      unless: ASKING_ABOUT_AGENT,
    },
    {
      source:
        `(?:can i (?:get|have|talk to|speak to|speak with) |could i (?:get|have|talk to|speak to|speak with) |i want |i need |i would like |give me |get me |connect me to |transfer me to )?` +
        `${DET}${ADJ}${HUMAN_NOUN}(?: please| now| please now| right now)?`,
      weight: 0.9,
      anchor: 'whole',
    },
    { source: '(?:operator|representative|agent|a human|a person) please', weight: 0.9 },
    {
      source: 'is there (?:a |an )?(?:real )?(?:person|someone|anyone|anybody|human)(?: i can| to)? (?:talk|speak)',
      weight: 0.85,
    },
    {
      source:
        '(?:do not|will not|refuse to) (?:talk|speak) (?:to|with) (?:a |an )?(?:machine|robot|computer|bot|recording|ai)',
      weight: 0.85,
    },
    { source: 'no (?:robots|machines|bots)', weight: 0.8 },
  ],
  who_is_calling: [
    { source: 'who (?:is|are) (?:this|you|calling|that|it|speaking|on the (?:line|phone))', weight: 0.95 },
    { source: 'who (?:am i|are we) (?:talking|speaking) (?:to|with)', weight: 0.95 },
    { source: 'who (?:do you|are you) (?:work for|represent|with|calling (?:from|for|on behalf of))', weight: 0.95 },
    {
      source:
        '(?:what|which) (?:company|business|organization|organisation|firm|office|agency|store|practice|clinic|place) ' +
        '(?:is (?:this|it|that|calling)|are you(?: calling)?(?: from| with)?|do you (?:represent|work for|call from|work with)|is this call from|you are (?:from|with|calling from))',
      weight: 0.95,
    },
    { source: '(?:which|what) company', weight: 0.85 },
    {
      source: 'where (?:are you|is this|is this call|is the call|are you guys) (?:calling |coming )?from',
      weight: 0.95,
    },
    {
      source:
        '(?:what|who) (?:is|was) (?:this|it|the call|this call|that|your call) (?:about|regarding|concerning|in regards to|in reference to)',
      weight: 0.8,
    },
    { source: 'why are you calling(?: me)?|what is this call for|what is this for|what do you want', weight: 0.75 },
    { source: 'what is your name|identify yourself|who sent you', weight: 0.85 },
    { source: 'and you are', weight: 0.85, anchor: 'whole' },
    { source: 'how did you get (?:my|this) number', weight: 0.7 },
    {
      source:
        '(?:are you|is this|is that) (?:a |an )?(?:robot|machine|bot|ai|computer|recording|real person|human|person|telemarketer|sales call|scam|automated(?: call)?)',
      weight: 0.75,
    },
  ],
  wrong_person: [
    {
      source: 'wrong (?:number|person|house|guy|girl|lady|man|name|family|people|phone|line|household|address|party)',
      weight: 0.95,
    },
    { source: '(?:is not|not|do not have) (?:the )?(?:right|correct) (?:number|person)', weight: 0.9 },
    {
      source:
        'there is (?:no|nobody|no one) (?:(?!(?:problem|need|way|time|rush|hurry|issue|point|reason|doubt|one to|one else)\\b)[a-z]+ ){0,2}' +
        '(?:here|at this (?:number|address)|by that name|named|called|that lives here|living here|who lives here)',
      weight: 0.9,
    },
    {
      source:
        '(?:no one|nobody|no person) (?:(?:here )?(?:by|with) (?:that|this|the) name|lives here|living here|' +
        '(?:here )?(?:named|called|by the name(?: of)?) (?!(?:me|us|you|him|her|them|back|again)\\b)[a-z]+(?: [a-z]+)? (?:here|lives here|living here|at this number))',
      weight: 0.9,
    },
    {
      source:
        '[a-z]+ (?:does not|do not|did not|no longer|never|not) (?:live|lives|living|work|works|stay|stays) ' +
        '(?:here|at this (?:number|address)|with (?:us|me))',
      weight: 0.9,
    },
    { source: '(?:he|she|they) (?:has |have )?(?:moved(?: out| away)?|passed away|died|is deceased)', weight: 0.85 },
    { source: '(?!(?:i|we|you|it)\\b)[a-z]+ (?:has |have )?moved (?:out|away)', weight: 0.85 },
    {
      source:
        '(?:this|that|it) is not (?:his|her|their|[a-z]+) (?:number|phone|cell)|no longer (?:his|her|their|[a-z]+) number',
      weight: 0.9,
    },
    {
      source:
        '(?:never heard of|do not know) (?:him|her|them|anyone|anybody|any|that person|this person|no)(?: [a-z]+)?',
      weight: 0.8,
    },
    { source: 'i am not (?:him|her|he|she|them|that person|the person|the one you want)', weight: 0.85 },
    {
      // "this is not Ana": one word that is not a common predicate
      source:
        'this is not (?!(?:a|an|the|good|right|true|correct|what|how|my|it|that|fair|okay|funny|working|me|true|possible|necessary|important|urgent|interesting|helpful|relevant|now|today|something|anything)\\b)[a-z]+',
      weight: 0.75,
      anchor: 'end',
    },
  ],
  call_back_later: [
    {
      source: `(?:call|ring|phone|try|reach|contact|get back to) (?:me |us )?(?:back )?(?:again )?${LATER}`,
      weight: 0.9,
    },
    { source: '(?:call|ring|phone) (?:me |us )?back|give me a call (?:back|later|tomorrow)', weight: 0.85 },
    { source: 'busy', weight: 0.85 },
    {
      source:
        '(?:i am|we are) (?:currently |still |on my way |)(?:driving|at work|in a meeting|in class|working|in the car|' +
        'at the (?:doctor|hospital|gym|store)|eating|having dinner|cooking|sleeping|on vacation|on the road)',
      weight: 0.8,
    },
    {
      source:
        'in a meeting|in the middle of (?:something|dinner|work|a meeting)|on (?:the other line|another call)|with a (?:patient|customer|client)',
      weight: 0.85,
    },
    {
      source:
        '(?:not|is not) (?:a |the )?(?:good|great|convenient|right|best|ideal) (?:time|moment)|bad time|inconvenient time|not convenient',
      weight: 0.9,
    },
    { source: '(?:can not|could not|can not really) (?:talk|speak|do this|chat)(?: right)?(?: now)?', weight: 0.85 },
    { source: 'not right now|maybe later|some other time|another time', weight: 0.85 },
    { source: 'not now', weight: 0.8 },
    { source: 'later|not today', weight: 0.75, anchor: 'whole' },
    {
      source: '(?:he|she|they) (?:is|are) (?:not|out|away) (?:here|home|in|available|around|at the moment|right now)',
      weight: 0.75,
    },
    { source: `${LATER} (?:is|would be|works|might be) better`, weight: 0.85 },
    { source: 'i will (?:call (?:you )?back|get back to you)', weight: 0.75 },
  ],
  repeat: [
    {
      source:
        '(?:repeat|repeating)(?: that| it| this| yourself| the (?:question|last part|number|date|time|address|last thing))?(?: again| one more time| once more| please)?',
      weight: 0.9,
    },
    { source: 'say (?:that |it |this )?(?:again|one more time|once more)|tell me (?:that |it )?again', weight: 0.9 },
    { source: 'read (?:that |it |this )?(?:again|back|one more time)|come again|say what', weight: 0.9 },
    {
      source:
        '(?:did not|do not|could not|can not)(?: quite)? (?:catch|hear|get|make out) (?:that|you|it|what you (?:said|just said)|' +
        'the (?:last part|question|number|date|time)|all of that|everything|anything)',
      weight: 0.9,
    },
    {
      source: '(?:did not|do not|could not|can not)(?: quite)? (?:catch|hear|understand|follow)',
      weight: 0.85,
      anchor: 'end',
    },
    {
      source: '(?:do not|did not) understand (?:you|that|what you (?:said|mean|are saying)|the question)',
      weight: 0.85,
    },
    { source: 'what did you (?:say|just say)|i missed (?:that|what you said|the last part|it)', weight: 0.9 },
    { source: 'what (?:was|is) that(?: again)?', weight: 0.85, anchor: 'end' },
    {
      source:
        '(?:sorry|pardon|pardon me|excuse me|what|huh|eh|again|sorry what|what sorry|i am sorry|beg your pardon|i beg your pardon|sorry i missed that)',
      weight: 0.85,
      anchor: 'whole',
    },
    { source: 'pardon|(?:you are|you were|you keep) (?:breaking up|cutting out)|one more time', weight: 0.85 },
    { source: 'speak up|slow down|speak slower|talk slower|a (?:bit|little) (?:louder|slower)', weight: 0.8 },
    { source: 'hello(?: hello)*(?: are you there)?|are you (?:still )?there', weight: 0.65, anchor: 'whole' },
  ],
};

interface CompiledPattern {
  readonly intent: BuiltinIntent;
  readonly source: string;
  /** sticky: tried at token starts */
  readonly regex: RegExp;
  readonly weight: number;
  readonly unless?: RegExp;
}

const COMPILED_PATTERNS: readonly CompiledPattern[] = SPECIFIC_INTENTS.flatMap((intent) =>
  INTENT_PATTERNS[intent].map(({ source, weight, anchor, unless }): CompiledPattern => ({
    intent,
    source,
    regex: new RegExp(`${phrase(source, anchor)}(?![a-z0-9])`, 'y'),
    weight,
    ...(unless ? { unless } : {}),
  })),
);
const PATTERN_INDEX = new FirstWordIndex(COMPILED_PATTERNS, (p) => p.source);

/** phrases that end their own thought: "not interested, stop calling" does not negate the stop */
const CLOSED_NEGATIONS =
  /\b(?:not (?:interested(?! in\b)|really|now|today|sure|at all|yet|right now)|why not|if not|or not|whether or not|not a problem|not bad)\b/g;
const NEGATION = /(?:^|\s)(?:not|never|no need to|no need|no reason to|nobody|no one|without|nor)(?:\s|$)/;
const WINDOW_TOKENS = 6;

/** the words before `index` in the same clause, at most a few */
function windowBefore(text: string, index: number): string {
  const before = text.slice(0, index);
  const clauseStart = before.lastIndexOf(`${CLAUSE_BREAK} `);
  const clause = clauseStart === -1 ? before : before.slice(clauseStart + 2);
  const tokens = clause.split(' ').filter((t) => t !== '');
  return tokens.slice(-WINDOW_TOKENS).join(' ');
}

function isNegated(text: string, index: number): boolean {
  const window = windowBefore(text, index).replace(CLOSED_NEGATIONS, ' ');
  return NEGATION.test(window);
}

/** all built-in intents of one normalised turn */
export function detectIntents(normalized: NormalizedText): IntentDetection {
  const { text } = normalized;
  const scores: IntentScores = {};
  if (text === '') return { scores };
  let strongestSpecific = 0;
  for (let at = 0; at < text.length;) {
    const space = text.indexOf(' ', at);
    for (const pattern of PATTERN_INDEX.at(text.slice(at, space === -1 ? undefined : space))) {
      if ((scores[pattern.intent] ?? 0) >= pattern.weight) continue;
      pattern.regex.lastIndex = at;
      if (!pattern.regex.test(text)) continue;
      if (isNegated(text, at)) continue;
      if (pattern.unless?.test(windowBefore(text, at))) continue;
      scores[pattern.intent] = pattern.weight;
      if (pattern.weight > strongestSpecific) strongestSpecific = pattern.weight;
    }
    if (space === -1) break;
    at = space + 1;
  }
  const { stance, explicit } = scanStance(text);
  if (stance === undefined) return { scores };
  // the yes/no intents need yes/no words: "I need to reschedule" declines a slot (the
  // stance) but is no "no" for an edge whose examples are "no thanks"
  if (explicit !== undefined) {
    const capped =
      strongestSpecific >= SPECIFIC_DOMINANCE
        ? Math.min(explicit.confidence, STANCE_CAP_BESIDE_SPECIFIC)
        : explicit.confidence;
    scores[stance.value ? 'yes' : 'no'] = capped;
  }
  return { scores, stance };
}
