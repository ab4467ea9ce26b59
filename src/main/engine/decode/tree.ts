/**
 * ProtoTree: the detail tree a dissector builds, in one of three modes, following Wireshark's idea that a
 * tree is only built when someone will look at it:
 *  - `full`: every item is a node with children and a label (the Packet Details pane, `-V`, `-T json`);
 *  - `fields`: no hierarchy; only items whose field is in the interest set are kept as flat occurrences
 *    (display filters and `-T fields`), everything else returns the shared {@link NULL_ITEM};
 *  - `none`: nothing is kept (the first pass and the Packet List only need the columns).
 * In every mode the occurrences list is what filters evaluate, so a filter and the tree read the same items.
 * Labels may be given as functions so that building a label costs nothing unless the tree is shown.
 */
import type { FieldDef, FieldValue } from '../../../shared/fields';
import type { ExpertSeverity, FieldOccurrence } from '../../../shared/model';

/** Label is a label text or a function computing it lazily. */
export type Label = string | (() => string);

/** TreeItem is one item of the detail tree; it doubles as a filter field occurrence. */
export class TreeItem implements FieldOccurrence {
  children: TreeItem[] | null = null;
  generated = false;
  hidden = false;
  expert: { severity: ExpertSeverity; message: string } | undefined;
  frameRef: number | undefined;
  /** see FieldOccurrence.dataLength (set with setDataLength) */
  dataLength: number | undefined = undefined;

  constructor(
    // FieldOccurrence requires a field; text-only items use TEXT_FIELD.
    public field: FieldDef,
    public value: FieldValue,
    public src: number,
    public start: number,
    public length: number,
    public label: Label | undefined,
  ) {}

  /** isNull is true for the shared placeholder returned when an item is not kept. */
  get isNull(): boolean {
    return false;
  }

  /** setLength fixes the byte range length once known (protocol items are sized after dissection). */
  setLength(length: number): this {
    this.length = length;
    return this;
  }

  /**
   * setDataLength gives a protocol item the length of its whole data (its view), when the item itself
   * covers only the header: what `contains` and `matches` read (FieldOccurrence.dataLength).
   */
  setDataLength(length: number): this {
    this.dataLength = length;
    return this;
  }

  /** setGenerated marks an item Wireshark shows in [brackets]: not read from the bytes. */
  setGenerated(): this {
    this.generated = true;
    return this;
  }

  /** setHidden hides an item from the tree while keeping it filterable (smtp.req, smtp.rsp). */
  setHidden(): this {
    this.hidden = true;
    return this;
  }

  /** setExpert attaches expert info (shown in the tree and counted in statistics). */
  setExpert(severity: ExpertSeverity, message: string): this {
    this.expert = { severity, message };
    return this;
  }

  /** setFrameRef makes the item a link to another frame. */
  setFrameRef(frame: number): this {
    this.frameRef = frame;
    return this;
  }

  /** setLabel replaces the label. */
  setLabel(label: Label): this {
    this.label = label;
    return this;
  }

  /** appendLabel appends text to the label (Wireshark's proto_item_append_text). */
  appendLabel(suffix: Label): this {
    const before = this.label;
    this.label = () =>
      (typeof before === 'function' ? before() : (before ?? '')) + (typeof suffix === 'function' ? suffix() : suffix);
    return this;
  }

  /** labelText resolves the label (empty string when the default label should be formatted). */
  labelText(): string | undefined {
    return typeof this.label === 'function' ? this.label() : this.label;
  }
}

/** Every field object a dissector declared, by id (see {@link numberField}). */
const fieldsById: FieldDef[] = [];

/**
 * numberField gives a field declaration its dense id (call before freezing it). Dissectors declare
 * fields through `defineFields` / `protocolField`, which do this; a field object without an id still
 * works (interest is then tested by abbrev).
 */
export function numberField(def: FieldDef): FieldDef {
  def.id = fieldsById.length;
  fieldsById.push(def);
  return def;
}

/**
 * interestMask turns an interest set into a byte per field id (1 = kept). Computed once per set (the
 * CLI and a filter reuse one set for every frame) and cached; ids declared later fall back to the set.
 */
const masks = new WeakMap<ReadonlySet<string>, Uint8Array>();
let lastSet: ReadonlySet<string> | undefined;
let lastMask: Uint8Array = new Uint8Array(0);
function interestMask(interest: ReadonlySet<string>): Uint8Array {
  if (interest === lastSet && lastMask.length === fieldsById.length) return lastMask;
  let mask = masks.get(interest);
  if (mask === undefined || mask.length !== fieldsById.length) {
    mask = new Uint8Array(fieldsById.length);
    for (let i = 0; i < fieldsById.length; i++) if (interest.has(fieldsById[i].abbrev)) mask[i] = 1;
    masks.set(interest, mask);
  }
  lastSet = interest;
  lastMask = mask;
  return mask;
}

/** TEXT_FIELD is the pseudo field of text-only items; it is never registered or filterable. */
export const TEXT_FIELD: FieldDef = Object.freeze({ abbrev: '', name: '', type: 'none' as const });

class NullItem extends TreeItem {
  override get isNull(): boolean {
    return true;
  }
  override setLength(): this {
    return this;
  }
  override setGenerated(): this {
    return this;
  }
  override setDataLength(): this {
    return this;
  }
  override setHidden(): this {
    return this;
  }
  override setExpert(): this {
    return this;
  }
  override setFrameRef(): this {
    return this;
  }
  override setLabel(): this {
    return this;
  }
  override appendLabel(): this {
    return this;
  }
}

/** NULL_ITEM is returned for items that are not kept; all its setters are no-ops. */
export const NULL_ITEM: TreeItem = new NullItem(TEXT_FIELD, null, 0, 0, 0, undefined);

/**
 * FieldGroup names the fields a block of dissector code adds, so the block can be skipped when the tree
 * keeps none of them (`if (tree.wantsAny(GROUP))`): in `fields` mode most items are dropped, and building
 * their values and label closures is then wasted work. The answer is cached per interest set.
 */
export class FieldGroup {
  readonly abbrevs: readonly string[];
  private lastInterest: ReadonlySet<string> | undefined = undefined;
  private lastAnswer = false;

  constructor(fields: readonly (FieldDef | string)[]) {
    this.abbrevs = fields.map((f) => (typeof f === 'string' ? f : f.abbrev));
  }

  /** keptBy tells whether a `fields`-mode interest set keeps any field of the group. */
  keptBy(interest: ReadonlySet<string>): boolean {
    if (interest !== this.lastInterest) {
      this.lastInterest = interest;
      this.lastAnswer = this.abbrevs.some((a) => interest.has(a));
    }
    return this.lastAnswer;
  }
}

const EMPTY_MASK = new Uint8Array(0);

/** TreeMode selects how much of the tree is kept (see the file comment). */
export type TreeMode = 'full' | 'fields' | 'none';

/** ProtoTree collects the items of one frame's dissection. */
export class ProtoTree {
  /** roots are the top-level items (one per protocol layer) in full mode. */
  readonly roots: TreeItem[] = [];
  /** occurrences are every kept field item in tree order (what filters and -T fields read). */
  readonly occurrences: TreeItem[] = [];
  private modeValue: TreeMode = 'none';
  private interestValue: ReadonlySet<string> | undefined = undefined;
  private fullValue = false;
  /** the interest set as a byte per field id (`fields` mode); empty otherwise. */
  private mask: Uint8Array = EMPTY_MASK;

  /**
   * @param mode how much of the tree is kept (see the file comment)
   * @param interest restricts `fields` mode to these abbrevs (protocols included).
   */
  constructor(mode: TreeMode, interest?: ReadonlySet<string>) {
    this.reset(mode, interest);
  }

  get mode(): TreeMode {
    return this.modeValue;
  }

  get interest(): ReadonlySet<string> | undefined {
    return this.interestValue;
  }

  get full(): boolean {
    return this.fullValue;
  }

  /** reset empties the tree for the next frame (a session reusing its per-frame objects). */
  reset(mode: TreeMode, interest?: ReadonlySet<string>): void {
    // Emptied by pops, not `length = 0`, which would drop the arrays' backing stores every frame.
    const roots = this.roots;
    while (roots.length > 0) roots.pop();
    const occurrences = this.occurrences;
    while (occurrences.length > 0) occurrences.pop();
    if (mode === this.modeValue && interest === this.interestValue && (mode !== 'fields' || this.mask.length === fieldsById.length)) return;
    this.modeValue = mode;
    this.interestValue = interest;
    this.fullValue = mode === 'full';
    this.mask = mode === 'fields' && interest !== undefined ? interestMask(interest) : EMPTY_MASK;
  }

  /** keeps tells whether `fields` mode keeps an item of `field`. */
  private keeps(field: FieldDef): boolean {
    const id = field.id;
    const mask = this.mask;
    if (id !== undefined && id < mask.length) return mask[id] === 1;
    return this.interestValue !== undefined && this.interestValue.has(field.abbrev);
  }

  /** wants tells whether an item of this field would be kept (dissectors may skip expensive work). */
  wants(field: FieldDef): boolean {
    if (this.modeValue === 'full') return true;
    if (this.modeValue === 'none') return false;
    return this.keeps(field);
  }

  /** wantsAny tells whether an item of any field of `group` would be kept (full: yes, none: no). */
  wantsAny(group: FieldGroup): boolean {
    if (this.fullValue) return true;
    if (this.modeValue === 'none' || this.interestValue === undefined) return false;
    return group.keptBy(this.interestValue);
  }

  /** add adds a field item under `parent` (null = top level) and returns it (or NULL_ITEM). */
  add(
    parent: TreeItem | null,
    field: FieldDef,
    src: number,
    start: number,
    length: number,
    value: FieldValue,
    label?: Label,
  ): TreeItem {
    if (this.modeValue === 'none') return NULL_ITEM;
    if (this.modeValue === 'fields') {
      if (!this.keeps(field)) return NULL_ITEM;
      const item = new TreeItem(field, value, src, start, length, label);
      this.occurrences.push(item);
      return item;
    }
    const item = new TreeItem(field, value, src, start, length, label);
    this.attach(parent, item);
    if (field !== TEXT_FIELD) this.occurrences.push(item);
    return item;
  }

  /** addText adds a text-only item (no field), kept in full mode only. */
  addText(parent: TreeItem | null, src: number, start: number, length: number, label: Label): TreeItem {
    if (this.modeValue !== 'full') return NULL_ITEM;
    const item = new TreeItem(TEXT_FIELD, null, src, start, length, label);
    this.attach(parent, item);
    return item;
  }

  private attach(parent: TreeItem | null, item: TreeItem): void {
    if (parent === null || parent.isNull) {
      // Items whose parent was dropped still belong somewhere visible; in full mode parents are never
      // dropped, so a NULL parent here only happens for top-level items.
      this.roots.push(item);
      return;
    }
    (parent.children ??= []).push(item);
  }

  /** get returns the kept occurrences of a field (used by filters through FrameFields). */
  get(abbrev: string): TreeItem[] {
    return this.occurrences.filter((o) => o.field.abbrev === abbrev);
  }
}
