import type {
  EntryDiff,
  MultiplierChange,
  PriceAdded,
  PriceChange,
  PriceRetired,
  ProposingDiff,
  ScheduledChange,
  SourceDiff,
} from "../../schemas/diff.ts";

/** What one source proposes for one entry: the entry's proposals its pages gave (or, for a retired key, its silence). */
export interface EntryProposals {
  model: string;
  outcome: ProposingDiff["outcome"];
  changes: PriceChange[];
  added: PriceAdded[];
  retired: PriceRetired[];
  scheduled: ScheduledChange[];
  multipliers: MultiplierChange[];
}

export function isProposing(e: EntryDiff): e is ProposingDiff {
  return e.outcome === "verified" || e.outcome === "changed";
}

/** The entries of a source's diff with something for its pull request, each cut to what that source proposes. */
export function proposalsOf(diff: SourceDiff): EntryProposals[] {
  return diff.entries.filter(isProposing).flatMap((e) => {
    const mine = <T extends { source?: string }>(items: readonly T[]) => items.filter((i) => i.source === diff.source);
    const p = {
      model: e.model,
      outcome: e.outcome,
      changes: mine(e.changes),
      added: mine(e.added),
      retired: mine(e.retired),
      scheduled: mine(e.scheduled),
      multipliers: mine(e.multipliers ?? []),
    };
    return proposalCount(p) > 0 ? [p] : [];
  });
}

export function proposalCount(p: Pick<EntryProposals, "changes" | "added" | "retired" | "scheduled"> & { multipliers?: readonly MultiplierChange[] }): number {
  return p.changes.length + p.added.length + p.retired.length + p.scheduled.length + (p.multipliers?.length ?? 0);
}

/** The entry is priced in a new shape: keys retired with others in their place. */
export function isRestructured(p: Pick<EntryProposals, "retired">): boolean {
  return p.retired.some((r) => r.replacedBy.length > 0);
}

/** Counts a run report and the terminal show apart from value changes. */
export interface ProposalCounts {
  /** Entries with a price whose value changed. */
  changed: number;
  /** Entries priced in a new shape (keys retired, others in their place). */
  reshaped: number;
  /** New keys proposed. */
  added: number;
  /** Keys proposed as retired. */
  retired: number;
  /** Scheduled prices proposed, withdrawn or lapsed. */
  scheduled: number;
  /** Multipliers proposed, changed or gone. */
  multipliers: number;
}

/** The counts of one source's own proposals (`proposalsOf`): an entry two sources cover counts for each only what it proposes. */
export function countProposals(
  proposals: readonly (Pick<EntryProposals, "changes" | "added" | "retired" | "scheduled"> & { multipliers?: readonly MultiplierChange[] })[],
): ProposalCounts {
  const counts: ProposalCounts = { changed: 0, reshaped: 0, added: 0, retired: 0, scheduled: 0, multipliers: 0 };
  for (const e of proposals) {
    if (e.changes.length > 0) counts.changed++;
    if (isRestructured(e)) counts.reshaped++;
    counts.added += e.added.length;
    counts.retired += e.retired.length;
    counts.scheduled += e.scheduled.length;
    counts.multipliers += e.multipliers?.length ?? 0;
  }
  return counts;
}
