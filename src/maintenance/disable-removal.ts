import type { OwnedRule } from '../sites/cloudflare-site.entity.js';
import type { Progress } from './engines/maintenance-engine.js';

/** What a disable has done so far: the rules of ours still in the zone as far as it knows, for its rollback. */
export interface RemovalState {
  remaining: OwnedRule[];
}

export interface DisableRemoval {
  /** The site's stored rules: ours by their ids (docs/promises.md#ours-only). */
  stored: OwnedRule[];
  /** Our rules in the zone now (the engine's findOurs), with its own progress so that its step is named when it fails. */
  list: (progress: Progress) => Promise<OwnedRule[]>;
  /** Deletes one rule by the engine that made it; one already gone counts as deleted. */
  remove: (rule: OwnedRule) => Promise<void>;
  /** Stores the rules still left, after each deletion that leaves some. */
  record: (rules: OwnedRule[]) => Promise<void>;
  progress: Progress;
  state: RemovalState;
}

/**
 * Deletes a site's rules of ours for a disable; returns every rule it dealt with. The stored rules need no
 * listing to be deleted, so their deletions start at once, one after another, beside the listing of the zone,
 * which is there for a rule of ours whose id was lost (a crash between Cloudflare's answer and our write);
 * such a rule is deleted after them. A site with one rule thus takes one round trip, not two. A deletion that
 * fails stops the rest; a listing that fails stops only the rules it would have found. Either way the error is
 * thrown once the deletions under way are done, and `state.remaining` holds what is left, listed rules included.
 */
export async function removeForDisable({ stored, list, remove, record, progress, state }: DisableRemoval): Promise<OwnedRule[]> {
  state.remaining = [...stored];
  const listProgress: Progress = { ...progress, step: 'list our rules in the zone' };
  let unrecorded: OwnedRule[] = [];
  const listing = list(listProgress).then(
    (found) => {
      unrecorded = found.filter((rule) => !stored.some((known) => known.id === rule.id));
      state.remaining = [...state.remaining, ...unrecorded];
      return undefined;
    },
    (error: unknown) => asError(error),
  );

  /** Deletes `rules` one after another; returns the first failure, after which nothing more is deleted. */
  const removeInTurn = async (rules: OwnedRule[], describe: (index: number) => string): Promise<Error | undefined> => {
    for (const [index, rule] of rules.entries()) {
      progress.step = `${describe(index)} (${rule.target})`;
      try {
        await remove(rule);
        state.remaining = state.remaining.filter((left) => left.id !== rule.id);
        // After the last one, settling the site records that none is left, in the same transaction as the audit row.
        if (state.remaining.length > 0) await record(state.remaining);
      } catch (error) {
        return asError(error);
      }
    }
    return undefined;
  };

  const deleteFailure = await removeInTurn(stored, (index) => `delete rule ${index + 1} of ${stored.length}`);
  const listFailure = await listing;
  if (deleteFailure) throw deleteFailure;
  if (listFailure) {
    progress.step = listProgress.step;
    throw listFailure;
  }
  const unrecordedFailure = await removeInTurn(unrecorded, (index) => `delete unrecorded rule ${index + 1} of ${unrecorded.length}`);
  if (unrecordedFailure) throw unrecordedFailure;
  return [...stored, ...unrecorded];
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
