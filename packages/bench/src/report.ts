import Table from 'cli-table3';

/** One table of figures: a header row and rows of text cells. */
export interface FigureTable {
  readonly title: string;
  readonly head: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** One section of the report: tables, and notes on how to read them. */
export interface Section {
  readonly title: string;
  /** Paragraphs before the tables: what was measured, and how. */
  readonly intro: readonly string[];
  readonly tables: readonly FigureTable[];
  /** Paragraphs after the tables: what was skipped, and why. */
  readonly notes: readonly string[];
}

/** Writes text to the terminal. */
export const say = (text: string): void => {
  process.stdout.write(`${text}\n`);
};

/** A table for the terminal, drawn by cli-table3. */
export const terminalTable = (table: FigureTable): string => {
  const drawn = new Table({
    head: [...table.head],
    style: { head: [], border: [] },
  });
  drawn.push(...table.rows.map((row) => [...row]));

  return `${table.title}\n${drawn.toString()}`;
};

/** A table in Markdown. */
export const markdownTable = (table: FigureTable): string => {
  const line = (cells: readonly string[]) =>
    `| ${cells.map((c) => c.replace(/\|/g, '\\|')).join(' | ')} |`;

  return [
    `**${table.title}**`,
    '',
    line(table.head),
    line(table.head.map(() => '---')),
    ...table.rows.map(line),
  ].join('\n');
};

/** A section as Markdown, under a second-level heading. */
export const markdownSection = (section: Section): string =>
  [
    `## ${section.title}`,
    ...section.intro,
    ...section.tables.map(markdownTable),
    ...section.notes,
  ].join('\n\n');

/** Prints a section to the terminal. */
export const printSection = (section: Section): void => {
  say(`\n== ${section.title} ==`);
  section.tables.forEach((t) => say(terminalTable(t)));
  section.notes.forEach((n) => say(`note: ${n}`));
};

/** Milliseconds with three significant digits. */
export const ms = (value: number): string =>
  value >= 100 ? value.toFixed(0) : value.toPrecision(3);

/** Microseconds from milliseconds, with three significant digits. */
export const us = (milliseconds: number): string => {
  const value = milliseconds * 1000;

  return value >= 100 ? value.toFixed(0) : value.toPrecision(3);
};

/** Bytes as MiB with one decimal, or KiB below one MiB. */
export const size = (bytes: number): string =>
  bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(1)} MiB`
    : `${(bytes / 1024).toFixed(1)} KiB`;

/** A ratio as `12.3x`. */
export const ratio = (value: number): string =>
  `${value >= 100 ? value.toFixed(0) : value.toFixed(1)}x`;

/** An integer with thousands separators. */
export const count = (value: number): string => value.toLocaleString('en-US');

/** The median of some numbers (0 for none). */
export const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return 0;

  return sorted.length % 2
    ? (sorted[mid] ?? 0)
    : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
};
