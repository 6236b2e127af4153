/**
 * Why a household could not be seated or matched: a stable code (translate on it) and an
 * English sentence the organiser can act on. Diagnosed after the search, from the final plan.
 */
import type { Reason } from './types.ts';
import type { SeatingState, TablesModel } from './tables.ts';

export const TABLE_REASONS = {
  no_tables: 'The problem has no tables: add the venue\'s tables.',
  no_common_language_in_party: 'The members of this household share no language, so no table language can include all of them: arrange an interpreter or seat them as separate households.',
  no_accessible_table: 'Someone in this household needs an accessible seat and the venue has no accessible table: mark an accessible table or add one.',
  party_larger_than_every_table: 'This household is larger than every table it could use: add a bigger table or join two tables.',
  min_per_table_exceeds_seats: 'minPerTable is larger than every table this household could use, so no such table can be opened: lower minPerTable or add a bigger table.',
  no_shared_language: 'No other household speaks a language of this household and it is too small to fill a table alone: arrange an interpreter.',
  no_table_shares_language: 'No table with free seats shares a language with this household: arrange an interpreter or add a table.',
  accessible_seats_full: 'All accessible tables are full: add or mark another accessible table.',
  tables_full: 'All tables are full: add a table or put this household on the waiting list.',
  below_minimum_per_table: 'There are not enough other people to fill a table for this household up to the minimum: lower minPerTable or add guests.',
} as const;

export type TableReasonCode = keyof typeof TABLE_REASONS;

function reason(code: TableReasonCode): Reason {
  return { code, reason: TABLE_REASONS[code] };
}

/** Diagnoses why party P is unseated in the final state `st`. */
export function tablesReason(m: TablesModel, st: SeatingState, P: number): Reason {
  const size = m.partySize[P]!;
  const needsAccess = m.partyAccess[P] === 1;
  if (m.partyLangStart[P + 1] === m.partyLangStart[P]) return reason('no_common_language_in_party');
  if (m.T === 0) return reason('no_tables');
  let anyAccessible = false;
  let largestUsable = 0;
  for (let t = 0; t < m.T; t++) {
    if (m.accessible[t] === 1) anyAccessible = true;
    if (!needsAccess || m.accessible[t] === 1) largestUsable = Math.max(largestUsable, m.seats[t]!);
  }
  if (needsAccess && !anyAccessible) return reason('no_accessible_table');
  if (size > largestUsable) return reason('party_larger_than_every_table');
  if (m.minPerTable > largestUsable) return reason('min_per_table_exceeds_seats');
  if (size < m.minPerTable) {
    let shared = false;
    for (let Q = 0; Q < m.K && !shared; Q++) {
      if (Q === P) continue;
      for (let k = m.partyLangStart[P]!; k < m.partyLangStart[P + 1]!; k++) {
        if (m.partySpeaks[Q * m.L + m.partyLang[k]!] === 1) {
          shared = true;
          break;
        }
      }
    }
    if (!shared) return reason('no_shared_language');
  }
  let roomAnywhere = false;
  let emptyTableFits = false;
  for (let t = 0; t < m.T; t++) {
    if (needsAccess && m.accessible[t] === 0) continue;
    if (m.seats[t]! - st.load[t]! < size) continue;
    if (st.load[t] === 0) emptyTableFits = true;
    else roomAnywhere = true;
  }
  if (roomAnywhere && !emptyTableFits) return reason('no_table_shares_language');
  if (emptyTableFits) return reason(size < m.minPerTable ? 'below_minimum_per_table' : 'no_table_shares_language');
  return reason(needsAccess ? 'accessible_seats_full' : 'tables_full');
}
